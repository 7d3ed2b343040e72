using MySqlConnector;
using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>An operation is kept as long as its delivered messages, and while any is still in the outbox.</summary>
internal sealed class OperationRetention : IRetentionJob
{
    public Task SweepAsync(MySqlConnection connection, DateTime now, DateTime before, CancellationToken ct) =>
        RetentionSlices.DeleteAsync(
            connection,
            "DELETE FROM operations WHERE created_at < @before AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.operation_id = operations.id) LIMIT 10000",
            before,
            ct
        );
}
