using Microsoft.Extensions.Options;
using Relay.Server.Credentials;
using Relay.Server.Observability;

namespace Relay.Server.Delivery;

/// <summary>
/// Closes, within about a second and on every instance, each live link whose credential generation
/// stopped working: rotated with no overlap, revoked, replaced by a newer one the client proved,
/// or at the end of an overlap. Generations are otherwise judged only at the handshake, and a link
/// stays open for as long as the client is up. One indexed read a second per instance: the clients
/// whose credentials changed in the last few seconds by MySQL's clock; after a gap longer than
/// that (MySQL away), every live client's credentials are read again.
/// </summary>
internal sealed partial class CredentialWatch(
    ClientCredentials credentials,
    LiveLinks live,
    ClientLinks links,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<CredentialWatch> logger
) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Every, time);
        var lastRead = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var readStarted = time.GetTimestamp();
                try
                {
                    var changed =
                        time.GetElapsedTime(lastRead) < Window - Every * 3
                            ? await credentials.ChangedWithinAsync(Window, stoppingToken)
                            : await ReadAllLiveAsync(stoppingToken);
                    lastRead = readStarted;
                    foreach (var (clientId, validity) in changed)
                    {
                        if (live.TryGet(clientId, out var connection))
                        {
                            await CutIfInvalidAsync(connection!, validity, stoppingToken);
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReadFailed(logger, e.Message, Failures.ToTrace(e));
                }

                // Overlaps that ran out need no read: each link knows until when its generation works.
                foreach (var connection in live.All)
                {
                    await CutIfInvalidAsync(connection, null, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task<IReadOnlyList<(long, CredentialValidity)>> ReadAllLiveAsync(CancellationToken ct)
    {
        var all = new List<(long, CredentialValidity)>();
        foreach (var chunk in live.ClientIds.Chunk(1000))
        {
            all.AddRange(await credentials.OfAsync(chunk, ct));
        }

        return all;
    }

    private async Task CutIfInvalidAsync(ClientConnection connection, CredentialValidity? changed, CancellationToken ct)
    {
        if (connection.Revalidate(changed, time.GetUtcNow().UtcDateTime) is not { } refusal)
        {
            return;
        }

        var reason = $"The link was closed: {refusal}.";
        LogCut(logger, connection.ClientId, reason);
        try
        {
            await links.RefusedAsync(connection.ClientId, reason, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReadFailed(logger, e.Message, Failures.ToTrace(e));
        }
    }

    [LoggerMessage(EventId = 3050, Level = LogLevel.Warning, Message = "Client {ClientId}: {Reason}")]
    private static partial void LogCut(ILogger logger, long clientId, string reason);

    [LoggerMessage(
        EventId = 3051,
        Level = LogLevel.Warning,
        Message = "Could not read or record clients' credentials to judge live links: {Error}"
    )]
    private static partial void LogReadFailed(ILogger logger, string error, Exception? exception);
}
