using System.Data;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Database;
using Relay.Server.Observability;
using Relay.Server.Operations;
using Relay.Server.Personnel;
using Relay.Server.Verification;

namespace Relay.Server.Outbox;

/// <summary>
/// Turns an operation into outbox rows, in one transaction. The operation's snapshot of the
/// personnel is taken inside that transaction, so what is queued is what existed at the call.
/// </summary>
internal sealed class OutboxWriter(MySqlDataSource db, OutboxSignal signal, RelayMetrics metrics, Transactions transactions, TimeProvider time, IOptions<OutboxOptions> options)
{
    public Task<EnqueueResult> EnqueueAsync(Operation operation, CancellationToken ct) =>
        transactions.RetryDeadlocksAsync(() => EnqueueOnceAsync(operation, ct), ct);

    private async Task<EnqueueResult> EnqueueOnceAsync(Operation operation, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

        var clientIds = await ClaimTargetsAsync(connection, tx, operation.ClientId, ct);
        if (operation.ClientId is { } wanted && clientIds.Count == 0)
        {
            return EnqueueResult.NotFound("Client", wanted);
        }

        var stored = await StartOperationAsync(connection, tx, operation.Kind, operation.ClientId, operation.PersonnelId, clientIds, ct);
        var rows = 0;
        if (operation.Sync)
        {
            rows += (await Verifications.QueueAsync(this, connection, tx, clientIds, Verifications.Sync, stored.Id, ct)).Count;
        }
        else
        {
            await foreach (var body in BodiesAsync(connection, tx, operation, ct))
            {
                if (body is null)
                {
                    return EnqueueResult.NotFound("Personnel", operation.PersonnelId!.Value);
                }

                rows += operation.ClientId is null
                    ? (await BroadcastAsync(connection, tx, clientIds, body, stored.Id, ct)).Count * clientIds.Count
                    : (await QueueAsync(connection, tx, clientIds, body, stored.Id, ct)).Count;
            }
        }

        await RecordHoldingsAsync(connection, tx, operation, ct);
        await tx.CommitOrExplainAsync(ct);
        Committed(clientIds, rows);
        return new EnqueueResult(stored, clientIds.Count, rows);
    }

    /// <summary>
    /// Stores the operation, inside its transaction and after the counter's claim: <c>audience_upto</c>
    /// (the highest client id now) says which clients an operation on all of them is for.
    /// </summary>
    public async Task<StoredOperation> StartOperationAsync(
        MySqlConnection connection, MySqlTransaction tx, string kind, long? clientId, long? personnelId, IReadOnlyList<long> clientIds, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var audience = clientId is null && clientIds.Count > 0 ? clientIds.Max() : (long?)null;
        var id = await connection.InsertAndGetIdAsync(
            "INSERT INTO operations (kind, client_id, personnel_id, audience_upto, created_at) VALUES (@kind, @clientId, @personnelId, @audience, @now)",
            new { kind, clientId, personnelId, audience, now }, tx, ct);
        return new StoredOperation(id, kind, clientId, personnelId, audience, now);
    }

    /// <summary>
    /// Claims the message counter (<see cref="OutboxSequence"/>), then reads the target clients
    /// (one, or all in id order). The counter orders every queuing transaction, on one server and
    /// across the nodes of a cluster alike, so message ids increase in commit order and the sender
    /// never delivers a later operation's message before an earlier one's. Every transaction that
    /// queues messages does this first, before reading anything else, so its snapshot holds every
    /// client registered before it. The clients' rows are not locked: on Galera a local lock is
    /// broken by every acknowledgement another node commits to the row, and the counter already
    /// orders what the locks used to.
    /// </summary>
    public static async Task<IReadOnlyList<long>> ClaimTargetsAsync(MySqlConnection connection, MySqlTransaction tx, long? clientId, CancellationToken ct)
    {
        await OutboxSequence.ClaimAsync(connection, tx, ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            clientId is not null
                ? "SELECT id FROM clients WHERE id = @clientId"
                : "SELECT id FROM clients ORDER BY id",
            new { clientId }, tx, cancellationToken: ct))).AsList();
    }

    /// <summary>What the clients should hold after the operation, in its transaction (see <see cref="Holdings"/>).</summary>
    private static async Task RecordHoldingsAsync(MySqlConnection connection, MySqlTransaction tx, Operation operation, CancellationToken ct)
    {
        switch (operation)
        {
            case { PersonnelId: { } one, Delete: false }:
                await Holdings.SentOneAsync(connection, tx, operation.ClientId, one, ct);
                break;
            case { PersonnelId: { } one, Delete: true }:
                await Holdings.DeletedOneAsync(connection, tx, operation.ClientId, one, ct);
                break;
            case { Delete: true }:
                await Holdings.DeletedAllAsync(connection, tx, operation.ClientId, ct);
                break;
            default:
                var upto = await Holdings.HighestPersonnelIdAsync(connection, tx, ct);
                await Holdings.SentAllAsync(connection, tx, operation.ClientId, upto, exactly: operation.Replace || operation.Sync, ct);
                break;
        }
    }

    /// <summary>
    /// Queues one message body for every client registered now, as one row whatever their number
    /// (see <see cref="ClientQueue"/>); the payload goes to <c>batches</c> so that a client that
    /// refuses it can keep a failed copy pointing at the same payload.
    /// </summary>
    public async Task<IReadOnlyList<long>> BroadcastAsync(MySqlConnection connection, MySqlTransaction tx, IReadOnlyList<long> clientIds, MessageBody body, long operationId, CancellationToken ct)
    {
        if (clientIds.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow().UtcDateTime;
        var batchId = await connection.InsertAndGetIdAsync(
            "INSERT INTO batches (payload, created_at) VALUES (@payload, @now)",
            new { payload = JsonSerializer.Serialize(body, RelayJsonContext.Default.MessageBody), now }, tx, ct);
        var id = await OutboxSequence.TakeAsync(connection, tx, 1, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO messages (id, client_id, audience_upto, operation_id, uid, kind, item_count, batch_id, created_at)
            VALUES (@id, NULL, @audience, @operationId, @uid, @kind, @count, @batchId, @now)
            """, new
            {
                id,
                audience = clientIds.Max(),
                operationId,
                uid = DeliverFrame.NewUid(),
                kind = body.Kind.ToName(),
                count = body.ItemCount,
                batchId,
                now,
            }, tx, cancellationToken: ct));
        return [id];
    }

    /// <summary>Queues one message body for the given clients inside the caller's transaction; returns the message ids.</summary>
    public Task<IReadOnlyList<long>> QueueAsync(MySqlConnection connection, MySqlTransaction tx, IReadOnlyList<long> clientIds, MessageBody body, long operationId, CancellationToken ct) =>
        QueueAsync(connection, tx, clientIds, body.Kind.ToName(), JsonSerializer.Serialize(body, RelayJsonContext.Default.MessageBody), body.ItemCount, operationId, ct);

    /// <summary>Queues one message of any kind (also the server's own checks, which are not sent as they are).</summary>
    /// <param name="operationId">The operation the message belongs to, or null for one of the server's own (a verification).</param>
    public async Task<IReadOnlyList<long>> QueueAsync(
        MySqlConnection connection, MySqlTransaction tx, IReadOnlyList<long> clientIds, string kind, string payload, int itemCount, long? operationId, CancellationToken ct)
    {
        if (clientIds.Count == 0)
        {
            return [];
        }

        var now = time.GetUtcNow().UtcDateTime;

        if (clientIds.Count == 1)
        {
            var id = await OutboxSequence.TakeAsync(connection, tx, 1, ct);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO messages (id, client_id, operation_id, uid, kind, item_count, payload, created_at)
                VALUES (@id, @clientId, @operationId, @uid, @kind, @count, @payload, @now)
                """, new { id, clientId = clientIds[0], operationId, uid = DeliverFrame.NewUid(), kind, count = itemCount, payload, now }, tx, cancellationToken: ct));
            return [id];
        }

        return await QueueSharedAsync(connection, tx, clientIds, kind, itemCount, payload, operationId, now, ct);
    }

    /// <summary>After the commit: wake the senders of these clients, and count what was queued.</summary>
    public void Committed(IReadOnlyList<long> clientIds, int messages)
    {
        signal.Notify(clientIds);
        metrics.Enqueued(messages);
    }

    /// <summary>
    /// A message for several named clients (the server's checks of the whole fleet) stores its
    /// payload once, in <c>batches</c>; each client's row points at it. Rows go in with multi-row INSERTs, their ids taken together.
    /// </summary>
    private static async Task<IReadOnlyList<long>> QueueSharedAsync(
        MySqlConnection connection, MySqlTransaction tx, IReadOnlyList<long> clientIds, string kind, int itemCount, string payload, long? operationId, DateTime now, CancellationToken ct)
    {
        var batchId = await connection.InsertAndGetIdAsync("INSERT INTO batches (payload, created_at) VALUES (@payload, @now)", new { payload, now }, tx, ct);
        var first = await OutboxSequence.TakeAsync(connection, tx, clientIds.Count, ct);
        var next = first;
        foreach (var chunk in clientIds.Chunk(500))
        {
            await using var insert = new MySqlCommand { Connection = connection, Transaction = tx };
            insert.Parameters.AddWithValue("@kind", kind);
            insert.Parameters.AddWithValue("@count", itemCount);
            insert.Parameters.AddWithValue("@batch", batchId);
            insert.Parameters.AddWithValue("@now", now);
            insert.Parameters.AddWithValue("@operation", operationId);
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                rows.Add($"(@i{i}, @c{i}, @u{i}, @kind, @count, @batch, @operation, @now)");
                insert.Parameters.AddWithValue($"@i{i}", next++);
                insert.Parameters.AddWithValue($"@c{i}", chunk[i]);
                insert.Parameters.AddWithValue($"@u{i}", DeliverFrame.NewUid());
            }

            insert.CommandText = $"INSERT INTO messages (id, client_id, uid, kind, item_count, batch_id, operation_id, created_at) VALUES {string.Join(',', rows)}";
            await insert.ExecuteNonQueryAsync(ct);
        }

        return [.. Enumerable.Range(0, clientIds.Count).Select(i => first + i)];
    }

    /// <summary>The message bodies of the operation, in order; null means the named personnel does not exist.</summary>
    private async IAsyncEnumerable<MessageBody?> BodiesAsync(MySqlConnection connection, MySqlTransaction tx, Operation operation, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (operation.PersonnelId is { } deleted && operation.Delete)
        {
            // Deleting from clients needs no row on the server: the personnel may be gone from it already.
            yield return new MessageBody(MessageKind.Delete, PersonnelIds: [deleted]);
            yield break;
        }

        if (operation.PersonnelId is { } personnelId)
        {
            var person = await connection.QuerySingleOrDefaultAsync<PersonnelRecord>(new CommandDefinition(
                $"SELECT {PersonnelRows.Columns} FROM personnel WHERE id = @personnelId",
                new { personnelId }, tx, cancellationToken: ct));
            yield return person is null ? null : new MessageBody(MessageKind.Save, Personnel: [person]);
            yield break;
        }

        if (operation.Delete)
        {
            yield return new MessageBody(MessageKind.DeleteAll);
            yield break;
        }

        // Keyset pages keep memory bounded however many personnel there are.
        var batchSize = options.Value.BatchSize;
        var parts = 0;
        var setId = Guid.NewGuid().ToString("N");
        if (operation.Replace)
        {
            // Counted in the same snapshot as the pages below, so the last part is known in advance.
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM personnel", transaction: tx, cancellationToken: ct));
            parts = (int)Math.Max(1, (count + batchSize - 1) / batchSize);
        }

        long after = 0;
        for (var part = 1; ; part++)
        {
            var page = await PersonnelRows.PageAsync(connection, tx, after, batchSize, ct);
            if (operation.Replace)
            {
                yield return new MessageBody(MessageKind.Replace, Personnel: page, Part: new StagedPart(setId, part, parts));
                if (part >= parts)
                {
                    yield break;
                }
            }
            else if (page.Count == 0)
            {
                yield break;
            }
            else
            {
                yield return new MessageBody(MessageKind.Save, Personnel: page);
            }

            after = page.Count > 0 ? page[^1].Id : after;
        }
    }
}
