using Dapper;
using MySqlConnector;
using Relay.Server.Database;
using Relay.Server.Outbox;

namespace Relay.Server.Queue;

/// <summary>
/// Retires broadcasts every remaining client has passed (those left pending only by clients since
/// unregistered), removes shared batches once no message points at them (apart from the
/// acknowledgements, so two clients finishing the same batch at once never race over it), and the
/// status of delivered messages once older than the retention.
/// </summary>
internal sealed partial class QueueRetention(
    MySqlDataSource db,
    Transactions transactions,
    ILogger<QueueRetention> logger
) : IRetentionJob
{
    public async Task SweepAsync(MySqlConnection connection, DateTime now, DateTime before, CancellationToken ct)
    {
        await Broadcasts.RetireAsync(db, transactions, null, now, ct);
        var removed = await transactions.RetryDeadlocksAsync(
            () =>
                connection.ExecuteAsync(
                    new CommandDefinition(
                        "DELETE b FROM batches b LEFT JOIN messages m ON m.batch_id = b.id WHERE m.id IS NULL",
                        cancellationToken: ct
                    )
                ),
            ct
        );
        if (removed > 0)
        {
            LogSwept(logger, removed);
        }

        await RetentionSlices.DeleteAsync(
            connection,
            "DELETE FROM delivered_messages WHERE delivered_at < @before LIMIT 10000",
            before,
            ct
        );
    }

    [LoggerMessage(
        EventId = 6001,
        Level = LogLevel.Debug,
        Message = "Removed {Count} batches every client has acknowledged"
    )]
    private static partial void LogSwept(ILogger logger, int count);
}
