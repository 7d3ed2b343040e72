using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Server.Database;
using Relay.Server.Import;
using Relay.Server.Observability;

namespace Relay.Server.Outbox;

/// <summary>
/// Retires broadcasts every remaining client has passed, removes shared batches once every client acknowledged its message (done apart from the
/// acknowledgements so that two clients finishing the same batch at once never race over it),
/// and the status of delivered messages, judged verifications and settled operations once older than the retention.
/// </summary>
internal sealed partial class BatchSweeper(MySqlDataSource db, Transactions transactions, IOptions<OutboxOptions> options, TimeProvider time, ILogger<BatchSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);

                // One reading of the clock for the whole sweep: every job cuts off at the same moment.
                var now = time.GetUtcNow().UtcDateTime;

                // Broadcasts left pending only by clients since unregistered.
                await Broadcasts.RetireAsync(db, transactions, null, now, stoppingToken);

                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                var removed = await transactions.RetryDeadlocksAsync(() => connection.ExecuteAsync(new CommandDefinition("""
                    DELETE b FROM batches b LEFT JOIN messages m ON m.batch_id = b.id WHERE m.id IS NULL
                    """, cancellationToken: stoppingToken)), stoppingToken);
                if (removed > 0)
                {
                    LogSwept(logger, removed);
                }

                // In slices, so a large backlog never holds long locks.
                var before = now - options.Value.DeliveredRetention;
                foreach (var sql in (string[])[
                    "DELETE FROM delivered_messages WHERE delivered_at < @before LIMIT 10000",
                    "DELETE FROM verifications WHERE judged_at < @before LIMIT 10000",
                    "DELETE FROM audit_log WHERE at < @before LIMIT 10000",
                    // An operation is kept as long as its delivered messages, and while any is still in the outbox.
                    "DELETE FROM operations WHERE created_at < @before AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.operation_id = operations.id) LIMIT 10000"])
                {
                    while (await connection.ExecuteAsync(new CommandDefinition(sql, new { before }, cancellationToken: stoppingToken)) == 10000)
                    {
                    }
                }

                // An import stages its rows for as long as its upload takes; a day is far longer than any.
                var abandoned = now - TimeSpan.FromDays(1);
                await ImportStaging.SweepAbandonedAsync(connection, abandoned, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e.Message, Failures.ToTrace(e));
            }
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "Removed {Count} batches every client has acknowledged")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Could not remove acknowledged batches: {Error}")]
    private static partial void LogFailed(ILogger logger, string error, Exception? exception);
}
