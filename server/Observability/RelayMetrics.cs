using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Relay.Server.Observability;

/// <summary>
/// The server's metrics, exported at <c>/metrics</c> in Prometheus text format. Counters move as
/// messages flow; the per-client gauges read the latest outbox snapshot (<see cref="OutboxMonitor"/>).
/// </summary>
internal sealed class RelayMetrics
{
    public const string MeterName = "Relay.Server";

    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _latency;
    private volatile IReadOnlyList<ClientBacklog> _backlog = [];
    private readonly ConcurrentDictionary<long, CircuitGauge> _circuits = new();

    public RelayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _enqueued = meter.CreateCounter<long>("relay.messages.enqueued", "{message}", "Messages queued by operations.");
        _delivered = meter.CreateCounter<long>(
            "relay.messages.delivered",
            "{message}",
            "Messages acknowledged by their client."
        );
        _failed = meter.CreateCounter<long>(
            "relay.messages.failed",
            "{message}",
            "Messages a client refused for good."
        );
        _retries = meter.CreateCounter<long>(
            "relay.delivery.retries",
            "{attempt}",
            "Delivery attempts that failed and were retried."
        );
        _latency = meter.CreateHistogram<double>(
            "relay.delivery.latency",
            "s",
            "From queued to acknowledged.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries =
                [
                    0.005,
                    0.01,
                    0.025,
                    0.05,
                    0.1,
                    0.25,
                    0.5,
                    1,
                    2.5,
                    5,
                    10,
                    30,
                    60,
                    300,
                    3600,
                ],
            }
        );
        meter.CreateObservableGauge(
            "relay.messages.pending",
            () => _backlog.Select(b => new Measurement<long>(b.Pending, Tag(b.ClientId))),
            "{message}",
            "Messages waiting per client."
        );
        meter.CreateObservableGauge(
            "relay.messages.oldest_pending_age",
            () => _backlog.Select(b => new Measurement<double>(b.OldestAgeSeconds, Tag(b.ClientId))),
            "s",
            "Age of the oldest waiting message per client."
        );
        meter.CreateObservableGauge(
            "relay.circuit.state",
            () => _circuits.Select(c => new Measurement<int>((int)c.Value, Tag(c.Key))),
            null,
            "Circuit per client seen by this instance: 0 closed, 1 half-open, 2 open."
        );
    }

    public void Enqueued(int count) => _enqueued.Add(count);

    public void Delivered(long clientId, TimeSpan sinceQueued)
    {
        _delivered.Add(1, Tag(clientId));
        _latency.Record(sinceQueued.TotalSeconds, Tag(clientId));
    }

    public void Failed(long clientId) => _failed.Add(1, Tag(clientId));

    public void Retried(long clientId) => _retries.Add(1, Tag(clientId));

    public void Circuit(long clientId, CircuitGauge state) => _circuits[clientId] = state;

    public void Backlog(IReadOnlyList<ClientBacklog> backlog) => _backlog = backlog;

    private static KeyValuePair<string, object?> Tag(long clientId) => new("client_id", clientId);
}

/// <summary>One client's queue as last read from MySQL.</summary>
internal sealed record ClientBacklog(long ClientId, long Pending, double OldestAgeSeconds);

/// <summary>The values of the <c>relay.circuit.state</c> gauge: ordered by how bad, unlike Polly's own enum.</summary>
internal enum CircuitGauge
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}
