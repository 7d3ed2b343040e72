using Dapper;
using MySqlConnector;
using Relay.Server.Observability;

namespace Relay.Server.Outbox;

/// <summary>The head of one client's queue, with where to send it.</summary>
internal sealed record PendingMessage(long Id, string Uid, long ClientId, string Kind, string Payload, int Attempts, DateTime CreatedAt, string Host, int Port);

/// <summary>The sender's side of the outbox: read the head of a client's queue, record what happened to it.</summary>
internal sealed class OutboxReader(MySqlDataSource db, OutboxSignal signal, RelayMetrics metrics, TimeProvider time)
{
    /// <summary>The oldest pending messages of a client, in delivery order.</summary>
    public async Task<IReadOnlyList<PendingMessage>> NextPendingAsync(long clientId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PendingMessage>(new CommandDefinition("""
            SELECT m.id AS Id, m.uid AS Uid, m.client_id AS ClientId, m.kind AS Kind, COALESCE(m.payload, b.payload) AS Payload, m.attempts AS Attempts, m.created_at AS CreatedAt,
                   c.host AS Host, c.port AS Port
            FROM messages m JOIN clients c ON c.id = m.client_id LEFT JOIN batches b ON b.id = m.batch_id
            WHERE m.client_id = @clientId AND m.state = 'pending'
            ORDER BY m.id
            LIMIT @limit
            """, new { clientId, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>The client acknowledged: the messages leave the outbox, in one transaction, and their status moves to delivered_messages.</summary>
    public async Task MarkDeliveredAsync(IReadOnlyList<PendingMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var ids = messages.Select(m => m.Id).ToArray();
        await Transactions.RetryDeadlocksAsync(async () =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);

            // The client row first, as operations lock it: the same order everywhere, so no deadlock.
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE clients SET last_contact_at = @now, last_error = NULL WHERE id = @clientId;
                INSERT IGNORE INTO delivered_messages (id, client_id, kind, item_count, attempts, created_at, delivered_at)
                SELECT id, client_id, kind, item_count, attempts + 1, created_at, @now FROM messages WHERE id IN @ids;
                DELETE FROM messages WHERE id IN @ids;
                """, new { ids, clientId = messages[0].ClientId, now }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
        });
        signal.NotifySettled();
        foreach (var message in messages)
        {
            metrics.Delivered(message.ClientId, now - message.CreatedAt);
        }
    }

    /// <summary>One attempt failed and will be retried: count it and keep the reason for the operator.</summary>
    /// <remarks>A null <paramref name="error"/> counts the attempt and keeps the reason last recorded.</remarks>
    public async Task RecordAttemptFailedAsync(PendingMessage message, string? error, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE clients SET last_error = COALESCE(@error, last_error) WHERE id = @clientId;
            UPDATE messages SET attempts = attempts + 1, last_attempt_at = @now, last_error = COALESCE(@error, last_error) WHERE id = @id;
            """, new { id = message.Id, clientId = message.ClientId, error = error is null ? null : Truncate(error), now = time.GetUtcNow().UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>The client refused the message for good; it stays in the outbox as failed and the queue moves on.</summary>
    public async Task MarkFailedAsync(PendingMessage message, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE clients SET last_contact_at = @now, last_error = @reason WHERE id = @clientId;
            UPDATE messages SET state = 'failed', attempts = attempts + 1, last_attempt_at = @now, last_error = @reason WHERE id = @id;
            """, new { id = message.Id, clientId = message.ClientId, reason = Truncate(reason), now }, cancellationToken: ct));
        signal.NotifySettled();
        metrics.Failed(message.ClientId);
    }

    /// <summary>Puts a failed message back in its client's queue; false when it is not failed.</summary>
    public async Task<bool> RetryFailedAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // A verify or sync refused before is judged afresh when it runs again.
        var requeued = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE messages SET state = 'pending' WHERE id = @id AND state = 'failed';
            UPDATE verifications SET state = 'pending', judged_at = NULL, note = NULL WHERE message_id = @id AND state = 'failed' AND ROW_COUNT() > 0;
            """, new { id }, cancellationToken: ct));
        if (requeued == 0)
        {
            return false;
        }

        var clientId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT client_id FROM messages WHERE id = @id", new { id }, cancellationToken: ct));
        signal.Notify([clientId]);
        return true;
    }

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];
}
