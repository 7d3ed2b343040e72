using Dapper;
using MySqlConnector;
using Relay.Server.Database;
using Relay.Server.Outbox;

namespace Relay.Server.Queue;

/// <summary>What becomes of a broadcast once the clients it was for have passed it (see <see
/// cref="ClientQueue"/>).</summary>
internal static class Broadcasts
{
    /// <summary>
    /// Moves broadcasts every client of their audience has passed out of the outbox (all pending
    /// ones when <paramref name="ids"/> is null). Idempotent: whoever commits the last position
    /// sees them all passed, and the sweeper catches any left behind.
    /// </summary>
    public static Task RetireAsync(
        MySqlDataSource db,
        Transactions transactions,
        long[]? ids,
        DateTime now,
        CancellationToken ct
    ) =>
        transactions.RetryDeadlocksAsync(
            async () =>
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                var passed = $"""
                    m.client_id IS NULL AND m.state = '{MessageStates.Pending}' {(
                        ids is null ? "" : "AND m.id IN @ids"
                    )}
                    AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.broadcast_position < m.id AND c.id <= m.audience_upto)
                    """;
                await connection.ExecuteEachAsync(
                    new { ids, now },
                    tx,
                    ct,
                    $"""
                    INSERT IGNORE INTO delivered_messages (id, client_id, kind, item_count, attempts, created_at, delivered_at, operation_id)
                    SELECT m.id, NULL, m.kind, m.item_count, 1, m.created_at, @now, m.operation_id FROM messages m WHERE {passed}
                    """,
                    $"DELETE m FROM messages m WHERE {passed}"
                );
                await tx.CommitAsync(ct);
            },
            ct
        );
}
