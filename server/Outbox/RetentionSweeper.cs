using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Server.Observability;

namespace Relay.Server.Outbox;

/// <summary>Runs every <see cref="IRetentionJob"/> on a timer, with one reading of the clock per sweep so every job
/// cuts off at the same moment.</summary>
internal sealed partial class RetentionSweeper(
    MySqlDataSource db,
    IEnumerable<IRetentionJob> jobs,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<RetentionSweeper> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = time.GetUtcNow().UtcDateTime;
            var before = now - options.Value.DeliveredRetention;
            foreach (var job in jobs)
            {
                try
                {
                    await using var connection = await db.OpenConnectionAsync(stoppingToken);
                    await job.SweepAsync(connection, now, before, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // One job's trouble does not keep the others from their work.
                    LogFailed(logger, job.GetType().Name, e.Message, Failures.ToTrace(e));
                }
            }
        }
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Retention job {Job} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string job, string error, Exception? exception);
}
