using Dapper;
using MySqlConnector;
using Relay.Server.Observability;
using Relay.Server.Outbox;

namespace Relay.Server.Queue;

/// <summary>Reads every client's backlog from MySQL every few seconds for the per-client gauges.</summary>
internal sealed class OutboxMonitor(
    MySqlDataSource db,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<OutboxMonitor> logger
) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                var rows = await connection.QueryAsync<(long ClientId, long Pending, double Age)>(
                    new CommandDefinition(
                        $"""
                        SELECT c.id, {ClientQueue.PendingCount}, COALESCE(TIMESTAMPDIFF(MICROSECOND, {ClientQueue.OldestPendingAt}, UTC_TIMESTAMP(6)) / 1000000.0, 0)
                        FROM clients c
                        """,
                        cancellationToken: stoppingToken
                    )
                );
                metrics.Backlog(rows.Select(r => new ClientBacklog(r.ClientId, r.Pending, r.Age)).ToList());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MonitorLog.ReadFailed(logger, e.Message, Failures.ToTrace(e));
            }

            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

internal static partial class MonitorLog
{
    [LoggerMessage(
        EventId = 5001,
        Level = LogLevel.Debug,
        Message = "Could not read the outbox backlog for metrics: {Error}"
    )]
    public static partial void ReadFailed(ILogger logger, string error, Exception? exception);
}
