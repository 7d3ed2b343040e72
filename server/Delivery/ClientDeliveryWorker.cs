using System.Text.Json;
using Polly;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;

namespace Relay.Server.Delivery;

/// <summary>
/// Delivers one client's queue, oldest message first, one at a time over one persistent
/// connection. A message leaves the outbox only once the client acknowledged it.
/// </summary>
internal sealed class ClientDeliveryWorker(
    long clientId,
    OutboxReader outbox,
    OutboxSignal signal,
    ResiliencePipeline<Frame> pipeline,
    Func<bool> holdsLease,
    DeliveryOptions options,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken ct)
    {
        await using var connection = new ClientConnection(options.MaxFrameBytes, options.SharedSecret!, TlsSettings.From(options));
        DeliveryLog.WorkerStarted(logger, clientId);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!holdsLease())
                {
                    await connection.CloseAsync();
                    await signal.WaitForMessagesAsync(clientId, options.PollInterval, time, ct);
                    continue;
                }

                var message = await outbox.NextPendingAsync(clientId, ct);
                if (message is null)
                {
                    await signal.WaitForMessagesAsync(clientId, options.PollInterval, time, ct);
                    continue;
                }

                // A stop lets the frame in flight finish and its acknowledgement be recorded, briefly.
                using var inFlight = new CancellationTokenSource();
                await using (ct.Register(() => inFlight.CancelAfter(ShutdownGrace)))
                {
                    await DeliverAsync(connection, message, inFlight.Token);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Retries are spent, or MySQL is away: pause, then start again from the head of the queue.
                DeliveryLog.Paused(logger, clientId, options.MaxRetryDelay.TotalSeconds, e.Message);
                await signal.WaitForMessagesAsync(clientId, options.MaxRetryDelay, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        DeliveryLog.WorkerStopped(logger, clientId);
    }

    private async Task DeliverAsync(ClientConnection connection, PendingMessage message, CancellationToken ct)
    {
        var body = JsonSerializer.Deserialize(message.Payload, RelayJsonContext.Default.MessageBody)
            ?? throw new InvalidOperationException($"Message {message.Id} has an empty payload.");
        var frame = new DeliverFrame(message.Id, body);

        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(DeliveryPipelines.MessageKey, message);
        try
        {
            var reply = await pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var reply = await state.connection.ExchangeAsync(state.message.Host, state.message.Port, state.frame, ctx.CancellationToken);
                    return reply is NackFrame { Permanent: false } nack ? throw new TransientRefusalException(nack.Reason) : reply;
                },
                context,
                (connection, message, frame));

            if (reply is NackFrame refusal)
            {
                await outbox.MarkFailedAsync(message, refusal.Reason, ct);
                DeliveryLog.Refused(logger, clientId, message.Id, refusal.Reason);
                return;
            }

            await outbox.MarkDeliveredAsync(message, ct);
            DeliveryLog.Delivered(logger, clientId, message.Id);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
