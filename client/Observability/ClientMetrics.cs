using System.Diagnostics.Metrics;

namespace Relay.Client.Observability;

/// <summary>The daemon's metrics, exported at <c>/metrics</c> in Prometheus text format.</summary>
internal sealed class ClientMetrics
{
    public const string MeterName = "Relay.Client";

    private readonly Counter<long> _applied;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;

    public ClientMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _applied = meter.CreateCounter<long>(
            "relay.client.messages.applied",
            "{message}",
            "Messages applied to SQLite."
        );
        _duplicates = meter.CreateCounter<long>(
            "relay.client.messages.duplicates",
            "{message}",
            "Redelivered messages acknowledged without being applied again."
        );
        _rejected = meter.CreateCounter<long>(
            "relay.client.frames.rejected",
            "{frame}",
            "Frames or connections refused, by reason."
        );
    }

    public void Applied() => _applied.Add(1);

    public void Duplicate() => _duplicates.Add(1);

    /// <summary>Reasons: malformed, invalid, too_large, timeout, unauthenticated, too_many_connections,
    /// storage.</summary>
    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
