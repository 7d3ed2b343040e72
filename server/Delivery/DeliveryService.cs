using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Relay.Server.Credentials;
using Relay.Server.Observability;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// Keeps one <see cref="ClientDeliveryWorker"/> running per client this instance holds a lease
/// on: renews the leases, starts workers for clients it gains and stops those it loses or hands
/// over, so one slow client never holds up another and no client has two senders.
/// </summary>
internal sealed class DeliveryService(
    ClientLeases leases,
    DeliveryQueue queue,
    OutboxSignal signal,
    IQueuedChecks checks,
    ClientCredentials credentials,
    ClientPositions positions,
    DeliveryPipelines pipelines,
    ClientLinks links,
    ClientContacts contacts,
    LiveLinks live,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryService> logger
) : BackgroundService
{
    private readonly Dictionary<long, (ClientDeliveryWorker Worker, CancellationTokenSource Stop, Task Run)> _workers =
    [];
    private readonly ConcurrentDictionary<long, (string Host, int Port)> _addresses = new();
    private long _renewedAt;

    /// <summary>
    /// Workers send only while the last renewal is fresh: if MySQL cannot be reached to renew,
    /// they stop before the lease could have passed to another instance.
    /// </summary>
    private bool LeaseIsFresh() =>
        time.GetElapsedTime(Interlocked.Read(ref _renewedAt))
        < options.Value.LeaseDuration - options.Value.PollInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        DeliveryLog.InstanceStarted(logger, leases.InstanceId);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var renewStarted = time.GetTimestamp();
                    var snapshot = await leases.RenewAndAcquireAsync(stoppingToken);
                    Interlocked.Exchange(ref _renewedAt, renewStarted);
                    await ReconcileAsync(snapshot, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    DeliveryLog.LeaseRenewalFailed(logger, e.Message, Failures.ToTrace(e));
                }

                await signal.WaitForClientsChangedAsync(options.Value.PollInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            await StopWorkersAsync(_workers.Keys.ToList());
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await leases.ReleaseAllAsync(quick.Token);
            }
            catch (Exception e)
            {
                // The leases expire on their own; releasing only lets another instance start sooner.
                DeliveryLog.LeaseReleaseFailed(logger, e.Message, Failures.ToTrace(e));
            }
        }
    }

    private async Task ReconcileAsync(LeaseSnapshot snapshot, CancellationToken stoppingToken)
    {
        // More than a fair share (another instance joined): hand the surplus over, workers first.
        var surplus = snapshot.Owned.Skip(snapshot.FairShare).ToList();
        if (surplus.Count > 0)
        {
            await StopWorkersAsync(surplus);
            await leases.ReleaseAsync(surplus, stoppingToken);
        }

        var held = snapshot.Owned.Take(snapshot.FairShare).ToHashSet();
        foreach (var (id, address) in snapshot.Addresses)
        {
            _addresses[id] = address;
        }

        foreach (var id in _addresses.Keys.Where(id => !held.Contains(id)))
        {
            _addresses.TryRemove(id, out _);
        }

        await StopWorkersAsync(_workers.Keys.Where(id => !held.Contains(id)).ToList());

        var started = new HashSet<long>();
        foreach (var id in held.Where(id => !_workers.ContainsKey(id)))
        {
            started.Add(id);
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var link = new ClientLink(
                id,
                () => _addresses.TryGetValue(id, out var a) ? a : null,
                links,
                contacts,
                pipelines.Link,
                options.Value,
                time,
                logger
            );
            var worker = new ClientDeliveryWorker(
                id,
                queue,
                signal,
                checks,
                credentials,
                positions,
                pipelines.For(id),
                link,
                live,
                LeaseIsFresh,
                options.Value,
                time,
                logger
            );
            _workers[id] = (worker, stop, Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None));
        }

        // Workers wait for a wake instead of each polling its own queue: this poll is the one
        // look for work queued by other instances (or a wake that was lost). A worker pausing
        // after failed attempts is left to its pause; one just started may not be waiting yet,
        // and its wake is kept until it is.
        signal.Notify(
            snapshot.WithPending.Where(id =>
                started.Contains(id) || (_workers.TryGetValue(id, out var w) && w.Worker.WaitingForWork)
            )
        );
    }

    private async Task StopWorkersAsync(IReadOnlyCollection<long> clientIds)
    {
        var stopping = new List<Task>();
        foreach (var id in clientIds)
        {
            if (_workers.Remove(id, out var worker))
            {
                await worker.Stop.CancelAsync();
                stopping.Add(worker.Run.ContinueWith(_ => worker.Stop.Dispose(), TaskScheduler.Default));
            }
        }

        await Task.WhenAll(stopping);
    }
}
