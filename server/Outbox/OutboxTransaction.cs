using System.Text.Json;
using Dapper;
using MySqlConnector;
using Relay.Contracts.Protocol;
using Relay.Server.Database;
using Relay.Server.Observability;

namespace Relay.Server.Outbox;

/// <summary>
/// One write to the outbox: a transaction that has taken the message counter and read its target
/// clients, and in which the caller stages operations, messages, broadcasts and holdings next to
/// its own statements (<see cref="Connection"/>, <see cref="Transaction"/>). Only
/// <see cref="OutboxWriter"/> makes one, commits it, and runs it again when the database rolls it
/// back; a caller never commits, it can only <see cref="Discard"/>.
/// </summary>
internal sealed class OutboxTransaction
{
    private readonly TimeProvider _time;
    private readonly List<long> _woken = [];
    private int _messages;

    internal OutboxTransaction(
        MySqlConnection connection,
        MySqlTransaction transaction,
        OutboxTargets targets,
        IReadOnlyList<long> clientIds,
        TimeProvider time,
        CancellationToken ct
    )
    {
        Connection = connection;
        Transaction = transaction;
        Targets = targets;
        ClientIds = clientIds;
        CancellationToken = ct;
        _time = time;
        Holdings = new Holdings(connection, transaction, ct);
    }

    public MySqlConnection Connection { get; }

    public MySqlTransaction Transaction { get; }

    public CancellationToken CancellationToken { get; }

    public OutboxTargets Targets { get; }

    /// <summary>The target clients, in id order, as registered when the counter was taken.</summary>
    public IReadOnlyList<long> ClientIds { get; }

    /// <summary>What the clients should hold; changed in the same commit as the messages that make it so.</summary>
    public Holdings Holdings { get; }

    /// <summary>Messages queued so far, counted per client (a broadcast once for each of its clients).</summary>
    public int Messages => _messages;

    /// <summary>Clients whose senders are woken after the commit besides the targets (a failed message queued
    /// again).</summary>
    public IReadOnlyList<long> Woken => _woken;

    /// <summary>Wakes this client's sender after the commit: something of its own was queued again.</summary>
    public void Wake(long clientId) => _woken.Add(clientId);

    /// <summary>True when the caller asked for a roll back instead of a commit.</summary>
    public bool Discarded { get; private set; }

    /// <summary>Nothing of this transaction is committed (the answer is a refusal: not found, a conflict).</summary>
    public void Discard() => Discarded = true;

    /// <summary>
    /// Stores the operation the messages that follow belong to. <c>audience_upto</c> (the highest
    /// client id now) says which clients an operation on all of them is for.
    /// </summary>
    public async Task<StoredOperation> StartOperationAsync(string kind, long? personnelId)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var clientId = Targets.ClientId;
        var audience = Targets.AllClients && ClientIds.Count > 0 ? ClientIds[^1] : (long?)null;
        var id = await Connection.InsertAndGetIdAsync(
            "INSERT INTO operations (kind, client_id, personnel_id, audience_upto, created_at) VALUES (@kind, @clientId, @personnelId, @audience, @now)",
            new
            {
                kind,
                clientId,
                personnelId,
                audience,
                now,
            },
            Transaction,
            CancellationToken
        );
        return new StoredOperation(id, kind, clientId, personnelId, audience, now);
    }

    /// <summary>
    /// Queues a message body for every target client: to all of them as one broadcast row whatever
    /// their number (see <see cref="ClientQueue"/>), to one client as its own row. The broadcast's
    /// payload goes to <c>batches</c>, so that a client that refuses it can keep a failed copy
    /// pointing at the same payload.
    /// </summary>
    public async Task QueueAsync(MessageBody body, long operationId)
    {
        if (ClientIds.Count == 0)
        {
            return;
        }

        // A deletion goes to each client as a row of its own, which its worker can send ahead of the
        // rest of its queue; a broadcast is passed in order. It costs a row per client, once.
        if (Targets.AllClients && body.Kind is MessageKind.Delete && ClientIds.Count > 1)
        {
            await QueueSharedAsync(
                ClientIds,
                body.Kind.ToName(),
                JsonSerializer.Serialize(body, RelayJsonContext.Default.MessageBody),
                body.ItemCount,
                operationId
            );
            return;
        }

        if (!Targets.AllClients)
        {
            await QueueOwnAsync(
                ClientIds[0],
                body.Kind.ToName(),
                JsonSerializer.Serialize(body, RelayJsonContext.Default.MessageBody),
                body.ItemCount,
                operationId
            );
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var batchId = await Connection.InsertAndGetIdAsync(
            "INSERT INTO batches (payload, created_at) VALUES (@payload, @now)",
            new { payload = JsonSerializer.Serialize(body, RelayJsonContext.Default.MessageBody), now },
            Transaction,
            CancellationToken
        );
        var id = await OutboxSequence.TakeAsync(Connection, Transaction, 1, CancellationToken);
        await Connection.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO messages (id, client_id, audience_upto, operation_id, uid, kind, item_count, batch_id, created_at, trace_parent)
                VALUES (@id, NULL, @audience, @operationId, @uid, @kind, @count, @batchId, @now, @trace)
                """,
                new
                {
                    id,
                    audience = ClientIds[^1],
                    operationId,
                    uid = DeliverFrame.NewUid(),
                    kind = body.Kind.ToName(),
                    count = body.ItemCount,
                    batchId,
                    now,
                    trace = RelayTracing.CurrentTraceParent(),
                },
                Transaction,
                cancellationToken: CancellationToken
            )
        );
        _messages += ClientIds.Count;
    }

    /// <summary>
    /// Queues one of the server's own checks (a verify or a sync, which are run rather than sent)
    /// for each target client, as a row of its own, so each is judged in its client's order.
    /// </summary>
    /// <param name="operationId">The operation it belongs to, or null for a check asked for by itself.</param>
    /// <param name="clientIds">Some of the target clients only; all of them when null.</param>
    /// <returns>The message ids, in the order of the clients.</returns>
    public Task<IReadOnlyList<long>> QueueCheckAsync(
        string kind,
        long? operationId,
        IReadOnlyList<long>? clientIds = null
    )
    {
        clientIds ??= ClientIds;
        return clientIds.Count == 1
            ? QueueOwnAsync(clientIds[0], kind, "{}", 0, operationId)
            : QueueSharedAsync(clientIds, kind, "{}", 0, operationId);
    }

    /// <summary>
    /// Reserves the next position in the queue's order without queuing anything: where a client
    /// registered now starts (past every broadcast committed before it), or a failed copy's id.
    /// </summary>
    public Task<long> TakePositionAsync() => OutboxSequence.TakeAsync(Connection, Transaction, 1, CancellationToken);

    private async Task<IReadOnlyList<long>> QueueOwnAsync(
        long clientId,
        string kind,
        string payload,
        int itemCount,
        long? operationId
    )
    {
        var id = await OutboxSequence.TakeAsync(Connection, Transaction, 1, CancellationToken);
        await Connection.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO messages (id, client_id, operation_id, uid, kind, item_count, payload, created_at, trace_parent)
                VALUES (@id, @clientId, @operationId, @uid, @kind, @count, @payload, @now, @trace)
                """,
                new
                {
                    id,
                    clientId,
                    operationId,
                    uid = DeliverFrame.NewUid(),
                    kind,
                    count = itemCount,
                    payload,
                    now = _time.GetUtcNow().UtcDateTime,
                    trace = RelayTracing.CurrentTraceParent(),
                },
                Transaction,
                cancellationToken: CancellationToken
            )
        );
        _messages++;
        return [id];
    }

    /// <summary>
    /// A message for several named clients stores its payload once, in <c>batches</c>; each client's
    /// row points at it. Rows go in with multi-row INSERTs, their ids taken together.
    /// </summary>
    private async Task<IReadOnlyList<long>> QueueSharedAsync(
        IReadOnlyList<long> clientIds,
        string kind,
        string payload,
        int itemCount,
        long? operationId
    )
    {
        if (clientIds.Count == 0)
        {
            return [];
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var batchId = await Connection.InsertAndGetIdAsync(
            "INSERT INTO batches (payload, created_at) VALUES (@payload, @now)",
            new { payload, now },
            Transaction,
            CancellationToken
        );
        var first = await OutboxSequence.TakeAsync(Connection, Transaction, clientIds.Count, CancellationToken);
        var next = first;
        foreach (var chunk in clientIds.Chunk(500))
        {
            await using var insert = new MySqlCommand { Connection = Connection, Transaction = Transaction };
            insert.Parameters.AddWithValue("@kind", kind);
            insert.Parameters.AddWithValue("@count", itemCount);
            insert.Parameters.AddWithValue("@batch", batchId);
            insert.Parameters.AddWithValue("@now", now);
            insert.Parameters.AddWithValue("@operation", operationId);
            insert.Parameters.AddWithValue("@trace", RelayTracing.CurrentTraceParent());
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                rows.Add($"(@i{i}, @c{i}, @u{i}, @kind, @count, @batch, @operation, @now, @trace)");
                insert.Parameters.AddWithValue($"@i{i}", next++);
                insert.Parameters.AddWithValue($"@c{i}", chunk[i]);
                insert.Parameters.AddWithValue($"@u{i}", DeliverFrame.NewUid());
            }

            insert.CommandText =
                $"INSERT INTO messages (id, client_id, uid, kind, item_count, batch_id, operation_id, created_at, trace_parent) VALUES {string.Join(',', rows)}";
            await insert.ExecuteNonQueryAsync(CancellationToken);
        }

        _messages += clientIds.Count;
        return [.. Enumerable.Range(0, clientIds.Count).Select(i => first + i)];
    }
}
