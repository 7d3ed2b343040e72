using Dapper;
using MySqlConnector;
using Relay.Server.Observability;

namespace Relay.Server.Outbox;

/// <summary>The head of one client's queue, with where to send it.</summary>
internal sealed record PendingMessage(long Id, string Uid, long ClientId, string Kind, string Payload, int Attempts, DateTime CreatedAt, string Host, int Port);

/// <summary>
/// The sender's side of the outbox: read the head of a client's queue, record what happened to it.
/// Reads and acknowledgements from many clients' workers at once are grouped into one statement
/// and one transaction (see <see cref="CallGroups{TRequest, TResult}"/>), so a fan-out to the
/// whole fleet costs a few round trips, not a few per client.
/// </summary>
internal sealed class OutboxReader : IDisposable
{
    private const int MaxGroup = 256;

    private readonly MySqlDataSource _db;
    private readonly OutboxSignal _signal;
    private readonly RelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly BatchCache _batches;
    private readonly CallGroups<(long ClientId, int Limit), IReadOnlyList<PendingMessage>> _reads;
    private readonly CallGroups<IReadOnlyList<PendingMessage>, bool> _acknowledgements;

    public OutboxReader(MySqlDataSource db, OutboxSignal signal, RelayMetrics metrics, TimeProvider time, BatchCache batches)
    {
        (_db, _signal, _metrics, _time, _batches) = (db, signal, metrics, time, batches);
        _reads = new(ReadHeadsAsync, MaxGroup, concurrency: 2);
        _acknowledgements = new(RecordDeliveredAsync, MaxGroup, concurrency: 2);
    }

    /// <summary>The oldest pending messages of a client, in delivery order.</summary>
    public Task<IReadOnlyList<PendingMessage>> NextPendingAsync(long clientId, int limit, CancellationToken ct) =>
        _reads.CallAsync((clientId, limit), ct);

    /// <summary>The client acknowledged: the messages leave the outbox, in one transaction, and their status moves to delivered_messages.</summary>
    public async Task MarkDeliveredAsync(IReadOnlyList<PendingMessage> messages, CancellationToken ct)
    {
        if (messages.Count > 0)
        {
            await _acknowledgements.CallAsync(messages, ct);
        }
    }

    /// <summary>The heads of several clients' queues with one statement; a shared batch's payload comes from <see cref="BatchCache"/>.</summary>
    private async Task<IReadOnlyList<IReadOnlyList<PendingMessage>>> ReadHeadsAsync(IReadOnlyList<(long ClientId, int Limit)> requests)
    {
        var clients = requests.DistinctBy(r => r.ClientId).ToList();
        await using var command = new MySqlCommand();
        var parts = new List<string>(clients.Count);
        for (var i = 0; i < clients.Count; i++)
        {
            parts.Add($"""
                (SELECT m.id AS Id, m.uid AS Uid, m.client_id AS ClientId, m.kind AS Kind, m.payload AS Payload, m.batch_id AS BatchId,
                        m.attempts AS Attempts, m.created_at AS CreatedAt, c.host AS Host, c.port AS Port
                 FROM messages m JOIN clients c ON c.id = m.client_id
                 WHERE m.client_id = @c{i} AND m.state = 'pending' ORDER BY m.id LIMIT @l{i})
                """);
            command.Parameters.AddWithValue($"@c{i}", clients[i].ClientId);
            command.Parameters.AddWithValue($"@l{i}", clients[i].Limit);
        }

        command.CommandText = string.Join("\nUNION ALL\n", parts);
        await using var connection = await _db.OpenConnectionAsync();
        command.Connection = connection;
        var rows = new List<HeadRow>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var parser = reader.GetRowParser<HeadRow>();
            while (await reader.ReadAsync())
            {
                rows.Add(parser(reader));
            }
        }

        var payloads = await _batches.GetAsync(connection, rows.Where(r => r.Payload is null && r.BatchId is not null).Select(r => r.BatchId!.Value), default);
        var byClient = rows
            .Select(r => new PendingMessage(r.Id, r.Uid, r.ClientId, r.Kind, r.Payload ?? payloads[r.BatchId!.Value], r.Attempts, r.CreatedAt, r.Host, r.Port))
            .ToLookup(m => m.ClientId);
        return requests.Select(r => (IReadOnlyList<PendingMessage>)byClient[r.ClientId].OrderBy(m => m.Id).ToList()).ToList();
    }

    /// <summary>Acknowledgements of several clients in one transaction.</summary>
    private async Task<IReadOnlyList<bool>> RecordDeliveredAsync(IReadOnlyList<IReadOnlyList<PendingMessage>> groups)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var messages = groups.SelectMany(g => g).ToList();
        var ids = messages.Select(m => m.Id).ToArray();
        var clientIds = messages.Select(m => m.ClientId).Distinct().Order().ToArray();
        await Transactions.RetryDeadlocksAsync(async () =>
        {
            await using var connection = await _db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();

            // The client rows first, in id order, as operations lock them: the same order everywhere, so no deadlock.
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE clients SET last_contact_at = @now, last_error = NULL WHERE id IN @clientIds;
                INSERT IGNORE INTO delivered_messages (id, client_id, kind, item_count, attempts, created_at, delivered_at)
                SELECT id, client_id, kind, item_count, attempts + 1, created_at, @now FROM messages WHERE id IN @ids;
                DELETE FROM messages WHERE id IN @ids;
                """, new { ids, clientIds, now }, tx));
            await tx.CommitAsync();
        });
        _signal.NotifySettled();
        foreach (var message in messages)
        {
            _metrics.Delivered(message.ClientId, now - message.CreatedAt);
        }

        return groups.Select(_ => true).ToList();
    }

    public void Dispose()
    {
        _reads.Dispose();
        _acknowledgements.Dispose();
    }

    private sealed record HeadRow(long Id, string Uid, long ClientId, string Kind, string? Payload, long? BatchId, int Attempts, DateTime CreatedAt, string Host, int Port);

    /// <summary>One attempt failed and will be retried: count it and keep the reason for the operator.</summary>
    /// <remarks>A null <paramref name="error"/> counts the attempt and keeps the reason last recorded.</remarks>
    public async Task RecordAttemptFailedAsync(PendingMessage message, string? error, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE clients SET last_error = COALESCE(@error, last_error) WHERE id = @clientId;
            UPDATE messages SET attempts = attempts + 1, last_attempt_at = @now, last_error = COALESCE(@error, last_error) WHERE id = @id;
            """, new { id = message.Id, clientId = message.ClientId, error = error is null ? null : Truncate(error), now = _time.GetUtcNow().UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>The client refused the message for good; it stays in the outbox as failed and the queue moves on.</summary>
    public async Task MarkFailedAsync(PendingMessage message, string reason, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var connection = await _db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE clients SET last_contact_at = @now, last_error = @reason WHERE id = @clientId;
            UPDATE messages SET state = 'failed', attempts = attempts + 1, last_attempt_at = @now, last_error = @reason WHERE id = @id;
            """, new { id = message.Id, clientId = message.ClientId, reason = Truncate(reason), now }, cancellationToken: ct));
        _signal.NotifySettled();
        _metrics.Failed(message.ClientId);
    }

    /// <summary>Puts a failed message back in its client's queue; false when it is not failed.</summary>
    public async Task<bool> RetryFailedAsync(long id, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
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
        _signal.Notify([clientId]);
        return true;
    }

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];
}
