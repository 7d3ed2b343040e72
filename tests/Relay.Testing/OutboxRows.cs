using Dapper;
using MySqlConnector;

namespace Relay.Testing;

/// <summary>For tests that write outbox rows straight into MySQL, as an older server would have.</summary>
public static class OutboxRows
{
    /// <summary>
    /// Moves the server's message-id counter past rows a test inserted with auto-increment ids, as
    /// the schema migration does for rows written before the counter existed; the server's next
    /// message would otherwise take an id a test row already has.
    /// </summary>
    public static Task KeepCounterAheadAsync(MySqlConnection db) =>
        db.ExecuteAsync(
            "UPDATE outbox_sequence SET next_id = GREATEST(next_id, (SELECT COALESCE(MAX(id), 0) + 1 FROM messages)) WHERE name = 'messages'"
        );
}
