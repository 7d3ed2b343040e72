using Microsoft.Extensions.Options;
using Relay.Server.Outbox;

namespace Relay.Server.Delivery;

/// <summary>
/// Keeps one <see cref="ClientDeliveryWorker"/> running per registered client: starts workers for
/// new clients and stops those of removed ones, so one slow client never holds up another.
/// </summary>
internal sealed class DeliveryService(
    OutboxReader outbox,
    OutboxSignal signal,
    DeliveryPipelines pipelines,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryService> logger) : BackgroundService
{
    private readonly Dictionary<long, (CancellationTokenSource Stop, Task Run)> _workers = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    Reconcile(await outbox.ClientIdsAsync(stoppingToken), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    DeliveryLog.ClientListFailed(logger, e.Message);
                }

                await signal.WaitForClientsChangedAsync(options.Value.PollInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (stop, _) in _workers.Values)
            {
                await stop.CancelAsync();
            }

            await Task.WhenAll(_workers.Values.Select(w => w.Run));
        }
    }

    private void Reconcile(IReadOnlyList<long> clientIds, CancellationToken stoppingToken)
    {
        foreach (var gone in _workers.Keys.Except(clientIds).ToList())
        {
            _workers[gone].Stop.Cancel();
            _workers.Remove(gone);
            signal.Forget(gone);
        }

        foreach (var id in clientIds.Where(id => !_workers.ContainsKey(id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var worker = new ClientDeliveryWorker(id, outbox, signal, pipelines.For(id), options.Value, time, logger);
            _workers[id] = (stop, Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None));
        }
    }
}
