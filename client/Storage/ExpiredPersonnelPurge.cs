using Microsoft.Extensions.Options;
using Relay.Client.Settings;

namespace Relay.Client.Storage;

/// <summary>
/// Deletes personnel whose validity window ended more than <see cref="ClientOptions.PurgeExpiredAfter"/> ago, so a
/// site's file does not keep every contractor it ever had. It looks at a tenth of that setting (at least every
/// second, at most every hour): a purge is at most that late.
/// </summary>
internal sealed partial class ExpiredPersonnelPurge(
    PersonnelStore store,
    IOptions<ClientOptions> options,
    TimeProvider time,
    ILogger<ExpiredPersonnelPurge> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keep = options.Value.PurgeExpiredAfter;
        var every = TimeSpan.FromTicks(Math.Clamp(keep.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
        using var timer = new PeriodicTimer(every, time);
        do
        {
            try
            {
                var purged = await store.PurgeExpiredAsync(time.GetUtcNow().UtcDateTime - keep, stoppingToken);
                if (purged > 0)
                {
                    Purged(logger, purged, keep);
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                // The next round tries again; the rows open nothing meanwhile.
                PurgeFailed(logger, e);
            }
        } while (await NextRoundAsync(timer, stoppingToken));
    }

    /// <summary>False once the daemon stops: a stop (or a start that failed, when the host is disposed without
    /// stopping) is the end of the loop, not a failure of the service.</summary>
    private static async Task<bool> NextRoundAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Purged {Count} personnel whose validity ended over {Keep} ago"
    )]
    private static partial void Purged(ILogger logger, int count, TimeSpan keep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired personnel failed; trying again later")]
    private static partial void PurgeFailed(ILogger logger, Exception exception);
}
