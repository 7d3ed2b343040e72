using Polly;
using Polly.CircuitBreaker;
using Relay.Contracts.Protocol;
using Relay.Server.Credentials;
using Relay.Server.Observability;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// Delivers one client's queue, oldest message first, a window of messages at a time over one
/// persistent connection. A message leaves the outbox only once the client acknowledged it. An idle worker
/// costs MySQL nothing: it reads its queue only when woken (by an operation committed in this
/// process, or by <see cref="DeliveryService"/>'s poll finding work for it).
/// </summary>
internal sealed class ClientDeliveryWorker(
    long clientId,
    DeliveryQueue queue,
    OutboxSignal signal,
    IQueuedChecks checks,
    ClientCredentials credentials,
    ClientPositions positions,
    ResiliencePipeline<IReadOnlyList<Frame>> pipeline,
    ClientLink link,
    LiveLinks live,
    Func<bool> holdsLease,
    DeliveryOptions options,
    TimeProvider time,
    ILogger logger
)
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private volatile bool _waitingForWork;

    /// <summary>True while the worker found its queue empty and waits for a wake.</summary>
    public bool WaitingForWork => _waitingForWork;

    public async Task RunAsync(CancellationToken ct)
    {
        await using var connection = new ClientConnection(
            clientId,
            options.MaxFrameBytes,
            credentials,
            TlsSettings.From(options),
            options.LinkCheckInterval,
            options.AttemptTimeout,
            time,
            (lastApplied, token) => positions.CheckAsync(clientId, lastApplied, token)
        );
        DeliveryLog.WorkerStarted(logger, clientId);
        live.Add(connection);
        try
        {
            await DeliverUntilStoppedAsync(connection, ct);
        }
        finally
        {
            live.Remove(connection);
        }

        DeliveryLog.WorkerStopped(logger, clientId);
    }

    private async Task DeliverUntilStoppedAsync(ClientConnection connection, CancellationToken ct)
    {
        // A new worker starts idle: the poll that started it says whether work waits.
        var readQueue = false;
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

                if (!readQueue)
                {
                    _waitingForWork = true;
                    await WaitForWorkAsync(connection, ct);
                    _waitingForWork = false;
                    readQueue = true;
                    continue;
                }

                // A revocation does not wait behind a bulk: deletions go first to a client that keeps tombstones.
                var window = await queue.NextPendingAsync(clientId, options.Window, connection.AcceptsOvertaking, ct);
                if (window.Count == 0)
                {
                    readQueue = false;
                    continue;
                }

                // A message that cannot be built fails for this client alone, in its place, and the queue goes on.
                var unreadable = IndexOf(window, m => m.Unreadable is not null);
                if (unreadable == 0)
                {
                    await queue.MarkFailedAsync(window[0], window[0].Unreadable!, ct);
                    DeliveryLog.Refused(logger, clientId, window[0].Id, window[0].Unreadable!);
                    continue;
                }

                window = unreadable > 0 ? window.Take(unreadable).ToList() : window;

                // A verify or sync runs alone, when everything queued before it has been applied.
                var firstCheck = IndexOf(window, m => checks.IsCheck(m.Kind));

                // A stop lets the frame in flight finish and its acknowledgement be recorded, briefly.
                using var inFlight = new CancellationTokenSource();
                await using (ct.Register(() => inFlight.CancelAfter(ShutdownGrace)))
                {
                    if (firstCheck == 0)
                    {
                        await checks.RunAsync(connection, window[0], pipeline, inFlight.Token);
                    }
                    else
                    {
                        await DeliverAsync(
                            connection,
                            firstCheck > 0 ? window.Take(firstCheck).ToList() : window,
                            inFlight.Token
                        );
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Retries are spent, or MySQL is away: pause, then start again from the head of the queue.
                DeliveryLog.Paused(
                    logger,
                    clientId,
                    options.MaxRetryDelay.TotalSeconds,
                    e.Message,
                    Failures.ToTrace(e)
                );
                await PauseAsync(connection, e, ct);
            }
        }
    }

    /// <summary>
    /// After a failure, waits <see cref="DeliveryOptions.MaxRetryDelay"/> or until a wake; a client that could not
    /// be reached is meanwhile tried every <see cref="DeliveryOptions.LinkCheckInterval"/>, and delivery resumes as
    /// soon as it answers, not at the end of the pause.
    /// </summary>
    private async Task PauseAsync(ClientConnection connection, Exception failure, CancellationToken ct)
    {
        // An open breaker says when it lets the next attempt through.
        var length =
            failure is BrokenCircuitException { RetryAfter: { } after } && after < options.MaxRetryDelay
                ? after
                : options.MaxRetryDelay;
        using var pause = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Early only for a client that could not be reached, and never sooner than a link check: a failure the client
        // answered for (a refusal, an open breaker) would otherwise reconnect and fail again at once, in a loop.
        var unreachable = failure is not (BrokenCircuitException or TransientRefusalException) && !connection.IsOpen;
        var reached =
            link.Enabled && unreachable
                ? Task.WhenAll(
                    link.WatchAsync(connection, pause.Token, untilReached: true),
                    Task.Delay(options.LinkCheckInterval, time, pause.Token)
                )
                : Task.Delay(Timeout.InfiniteTimeSpan, time, pause.Token);
        var woken = signal.WaitForMessagesAsync(clientId, length, time, pause.Token);
        await Task.WhenAny(reached, woken);
        await pause.CancelAsync();
        await Task.WhenAll(reached, woken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Idle, the connection is kept up and watched, until a wake says work waits.</summary>
    private async Task WaitForWorkAsync(ClientConnection connection, CancellationToken ct)
    {
        // A healthy connection is looked at each time the wait times out: a fan-out wakes
        // thousands of idle workers at once, and none of them then has a watch to stop.
        while (link.Enabled && link.LooksHealthy(connection))
        {
            if (await signal.WaitForMessagesAsync(clientId, options.LinkCheckInterval, time, ct))
            {
                return;
            }

            // Heard from, not only connected: a client that stopped answering (stopped, or its host froze) is
            // found by the silence, not hours later by TCP.
            await link.HearAsync(connection, ct);
        }

        // Connecting, or the link was lost: the watch reconnects (with back-off) while the wake is awaited.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watching = link.WatchAsync(connection, idle.Token);
        try
        {
            await signal.WaitForMessagesAsync(clientId, Timeout.InfiniteTimeSpan, time, ct);
        }
        finally
        {
            // The connection is the worker's again only once the watch has let go of it.
            await idle.CancelAsync();
            await watching;
        }
    }

    private static int IndexOf(IReadOnlyList<PendingMessage> window, Func<PendingMessage, bool> match)
    {
        for (var i = 0; i < window.Count; i++)
        {
            if (match(window[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private async Task DeliverAsync(
        ClientConnection connection,
        IReadOnlyList<PendingMessage> window,
        CancellationToken ct
    )
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(DeliveryPipelines.MessageKey, window[0]);
        try
        {
            var replies = await pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var head = state.window[0];
                    var replies = await state.connection.ExchangeAsync(
                        head.Host,
                        head.Port,
                        state.window,
                        ctx.CancellationToken
                    );

                    // Answers before a retryable refusal are sent again with the rest: the client acknowledges them as
                    // duplicates.
                    return replies[^1] is NackFrame { Permanent: false } nack
                        ? throw new TransientRefusalException(nack.Reason)
                        : replies;
                },
                context,
                (connection, window)
            );

            // Refusals are recorded first, so whoever sees a later message delivered also sees them.
            var answered = window.Zip(replies).ToList();
            foreach (var (message, reply) in answered)
            {
                if (reply is NackFrame refusal)
                {
                    await queue.MarkFailedAsync(message, refusal.Reason, ct);
                    DeliveryLog.Refused(logger, clientId, message.Id, refusal.Reason);
                }
            }

            var acknowledged = answered.Where(a => a.Second is AckFrame).Select(a => a.First).ToList();
            await queue.MarkDeliveredAsync(acknowledged, ct);
            foreach (var message in acknowledged)
            {
                DeliveryLog.Delivered(logger, clientId, message.Id);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
