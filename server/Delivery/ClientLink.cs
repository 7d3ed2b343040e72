using Polly;
using Relay.Server.Credentials;
using Relay.Server.Observability;

namespace Relay.Server.Delivery;

/// <summary>
/// One client's connection while its worker has nothing to send: kept up, looked at every
/// <see cref="DeliveryOptions.LinkCheckInterval"/>, reconnected with back-off when lost, and each
/// change between reachable and not recorded, so a client that goes away shows as unreachable
/// within seconds even when no message is waiting for it.
/// </summary>
internal sealed class ClientLink(
    long clientId,
    Func<(string Host, int Port)?> addressOf,
    ClientLinks links,
    ClientContacts contacts,
    ResiliencePipeline reconnect,
    DeliveryOptions options,
    TimeProvider time,
    ILogger logger
)
{
    private const string Dropped = "The client closed the connection, or the network dropped it.";

    // What was last recorded: null until this worker first knows.
    private bool? _reachable;
    private string? _refusal;

    public bool Enabled => options.LinkCheckInterval > TimeSpan.Zero;

    /// <summary>Open to the client's current address, known reachable, and quiet: the idle worker only needs to look
    /// again later.</summary>
    public bool LooksHealthy(ClientConnection connection) =>
        _reachable == true
        && addressOf() is var (host, port)
        && connection.IsOpenTo(host, port)
        && connection.Probe() == LinkProbe.Open;

    /// <summary>Pings the idle client: true when it answered (and that is noted as its last contact); false when it
    /// did not, the connection then being closed for the watch to reopen or find lost.</summary>
    public async Task<bool> HearAsync(ClientConnection connection, CancellationToken ct)
    {
        if (!await connection.PingAsync(ct))
        {
            return false;
        }

        contacts.Heard(clientId);
        return true;
    }

    /// <summary>Watches until <paramref name="ct"/> is cancelled (work arrived, or the worker stops), or with
    /// <paramref name="untilReached"/> until the client answers; never throws otherwise.</summary>
    public async Task WatchAsync(ClientConnection connection, CancellationToken ct, bool untilReached = false)
    {
        if (options.LinkCheckInterval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (addressOf() is not var (host, port))
                {
                    await PauseAsync(ct);
                    continue;
                }

                switch (connection.Probe())
                {
                    case LinkProbe.Open when connection.IsOpenTo(host, port):
                        if (!await HearAsync(connection, ct))
                        {
                            // Silent: the connection is closed, and reopened below or found lost.
                            break;
                        }

                        await RecordAsync(null, ct);
                        await PauseAsync(ct);
                        continue;
                    case LinkProbe.Lost:
                        await connection.CloseAsync();
                        await RecordAsync(Dropped, ct);
                        break;
                    default:
                        await connection.CloseAsync();
                        break;
                }

                await ConnectAsync(connection, ct);
                await RecordAsync(null, ct);
                if (untilReached)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            DeliveryLog.LinkWatchFailed(logger, clientId, e);
        }
    }

    /// <summary>
    /// Waits one interval; cancellation ends it without an exception, as a fan-out wakes
    /// thousands of idle workers at once.
    /// </summary>
    private async Task PauseAsync(CancellationToken ct) =>
        await Task.Delay(options.LinkCheckInterval, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>Connects, each attempt to the address the client has then: a corrected address is tried at the next
    /// attempt, not after the back-off for the old one.</summary>
    private async Task ConnectAsync(ClientConnection connection, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(DeliveryPipelines.LinkFailedKey, e => new ValueTask(
            RecordAsync(e.Message, ct, refused: e is CredentialRefusedException)
        ));
        try
        {
            await reconnect.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var (host, port) = state.addressOf()
                        ?? throw new InvalidOperationException("The client has no address.");
                    await state.connection.OpenIfClosedAsync(host, port, ctx.CancellationToken);
                },
                context,
                (connection, addressOf)
            );
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Records a change: reached when <paramref name="error"/> is null, else lost for that reason. A refusal
    /// of the client's credential is recorded whenever its reason changes, the link being down already.</summary>
    private async Task RecordAsync(string? error, CancellationToken ct, bool refused = false)
    {
        var reachable = error is null;
        var newRefusal = refused && error != _refusal;
        if (_reachable == reachable && !newRefusal)
        {
            return;
        }

        try
        {
            if (reachable)
            {
                await links.ReachedAsync(clientId, ct);
                if (_reachable is null)
                {
                    DeliveryLog.LinkConnected(logger, clientId);
                }
                else
                {
                    DeliveryLog.LinkRestored(logger, clientId);
                }
            }
            else if (refused)
            {
                await links.RefusedAsync(clientId, error!, ct);
                DeliveryLog.LinkDown(logger, clientId, error!);
            }
            else
            {
                await links.LostAsync(clientId, error!, ct);
                DeliveryLog.LinkDown(logger, clientId, error!);
            }

            _reachable = reachable;
            _refusal = refused ? error : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Tried again at the next look.
            DeliveryLog.LinkNotRecorded(logger, clientId, e.Message, Failures.ToTrace(e));
        }
    }
}
