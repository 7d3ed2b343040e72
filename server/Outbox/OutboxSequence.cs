using Dapper;
using MySqlConnector;

namespace Relay.Server.Outbox;

/// <summary>
/// Where outbox message ids come from: one counter row, advanced by an <c>UPDATE</c> in the
/// transaction that queues the messages. Auto-increment ids and <c>SELECT … FOR UPDATE</c> order
/// commits on one server only: on a multi-writer cluster (Galera, Group Replication) each node
/// hands out its own ids and locks its own rows, so a message could commit after a client had
/// passed a higher id, and be skipped for good. An update of the same row is what a cluster
/// certifies: of two transactions that advance the counter at once, one commits and the other is
/// rolled back whole and run again (see <see cref="Transactions"/>). So ids grow in commit order
/// across the cluster, and a client's position never passes a message that commits later.
/// </summary>
internal static class OutboxSequence
{
    /// <summary>
    /// Takes the counter for this transaction, before it reads anything else, so that what it
    /// reads next is at least as new as the last transaction that queued messages. Every
    /// transaction that queues messages (or must be ordered with those that do) starts with it.
    /// </summary>
    public static Task ClaimAsync(MySqlConnection connection, MySqlTransaction tx, CancellationToken ct) =>
        TakeAsync(connection, tx, 1, ct);

    /// <summary>Reserves <paramref name="count"/> consecutive message ids in this transaction; returns the
    /// first.</summary>
    public static async Task<long> TakeAsync(
        MySqlConnection connection,
        MySqlTransaction tx,
        int count,
        CancellationToken ct
    )
    {
        // LAST_INSERT_ID(expr) hands the new value back to this connection alone, in MySQL and MariaDB alike.
        await connection.ExecuteAsync(
            new CommandDefinition(
                "UPDATE outbox_sequence SET next_id = LAST_INSERT_ID(next_id + @count) WHERE name = 'messages'",
                new { count },
                tx,
                cancellationToken: ct
            )
        );
        var end = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT LAST_INSERT_ID()", transaction: tx, cancellationToken: ct)
        );
        return end - count;
    }
}
