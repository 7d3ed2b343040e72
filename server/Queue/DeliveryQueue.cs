using Dapper;
using MySqlConnector;
using Relay.Contracts.Protocol;
using Relay.Server.Database;
using Relay.Server.Observability;
using Relay.Server.Outbox;

namespace Relay.Server.Queue;

/// <summary>The head of one client's queue, with where to send it.</summary>
/// <param name="Payload">The message body's JSON, UTF-8: a broadcast's is one array shared by every client it is sent
/// to.</param>
/// <param name="IsBroadcast">One row for every client (see <see cref="ClientQueue"/>): passing it moves the client's
/// position, it does not leave the outbox.</param>
/// <param name="TraceParent">The W3C trace context of the call that queued it, when there was one: its delivery
/// attempts are spans of that trace.</param>
/// <param name="Unreadable">Why the message cannot be built (its payload is gone), or null: such a message fails for
/// its client alone, and the queue moves on.</param>
internal sealed record PendingMessage(
    long Id,
    string Uid,
    long ClientId,
    string Kind,
    ReadOnlyMemory<byte> Payload,
    int Attempts,
    DateTime CreatedAt,
    string Host,
    int Port,
    bool IsBroadcast = false,
    string? TraceParent = null,
    string? Unreadable = null
);

/// <summary>
/// The sender's side of the outbox: read the head of a client's queue, record what happened to it.
/// Reads and acknowledgements from many clients' workers at once are grouped into one statement
/// and one transaction (see <see cref="CallGroups{TRequest, TResult}"/>), so a fan-out to the
/// whole fleet costs a few round trips, not a few per client.
/// </summary>
internal sealed class DeliveryQueue : IDisposable
{
    private const int MaxGroup = 256;

    private readonly MySqlDataSource _db;
    private readonly OutboxSignal _signal;
    private readonly RelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Transactions _transactions;
    private readonly OutboxWriter _outbox;
    private readonly CallGroups<QueueRead, IReadOnlyList<PendingMessage>> _reads;
    private readonly CallGroups<IReadOnlyList<PendingMessage>, bool> _acknowledgements;
    private readonly CallGroups<(PendingMessage Message, string? Error), bool> _failedAttempts;

    public DeliveryQueue(
        MySqlDataSource db,
        OutboxSignal signal,
        OutboxWriter outbox,
        RelayMetrics metrics,
        Transactions transactions,
        TimeProvider time,
        BatchCache batches
    )
    {
        (_db, _signal, _outbox, _metrics, _transactions, _time) = (db, signal, outbox, metrics, transactions, time);
        _reads = new(requests => QueueHeads.ReadAsync(db, batches, requests), MaxGroup, concurrency: 2);
        _acknowledgements = new(RecordDeliveredAsync, MaxGroup, concurrency: 2);
        _failedAttempts = new(RecordAttemptsFailedAsync, MaxGroup, concurrency: 1);
    }

    /// <summary>The oldest pending messages of a client, strictly in the order they were queued.</summary>
    public Task<IReadOnlyList<PendingMessage>> NextPendingAsync(long clientId, int limit, CancellationToken ct) =>
        NextPendingAsync(clientId, limit, deletionsFirst: false, ct);

    /// <summary>The next pending messages of a client, in delivery order: the oldest, or, when <paramref
    /// name="deletionsFirst"/>, its pending deletions ahead of the rest.</summary>
    public Task<IReadOnlyList<PendingMessage>> NextPendingAsync(
        long clientId,
        int limit,
        bool deletionsFirst,
        CancellationToken ct
    ) => _reads.CallAsync(new QueueRead(clientId, limit, deletionsFirst), ct);

    /// <summary>The client acknowledged: the messages leave the outbox, in one transaction, and their status moves to
    /// delivered_messages.</summary>
    public async Task MarkDeliveredAsync(IReadOnlyList<PendingMessage> messages, CancellationToken ct)
    {
        if (messages.Count > 0)
        {
            await _acknowledgements.CallAsync(messages, ct);
        }
    }

    /// <summary>
    /// Acknowledgements of several clients in one transaction: their own messages leave the
    /// outbox, and their positions move past the broadcasts they acknowledged. A broadcast every
    /// client has passed then leaves the outbox too.
    /// </summary>
    private async Task<IReadOnlyList<bool>> RecordDeliveredAsync(IReadOnlyList<IReadOnlyList<PendingMessage>> groups)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var messages = groups.SelectMany(g => g).ToList();
        var ids = messages.Where(m => !m.IsBroadcast).Select(m => m.Id).ToArray();
        var clientIds = messages.Select(m => m.ClientId).Distinct().Order().ToArray();
        // An acknowledgement is also the client saying what it applied last: its position (see GET /clients).
        var applied = messages.GroupBy(m => m.ClientId).ToDictionary(g => g.Key, g => g.Max(m => m.Id));
        var positions = messages
            .Where(m => m.IsBroadcast)
            .GroupBy(m => m.ClientId, (client, passed) => (Client: client, Position: passed.Max(m => m.Id)))
            .GroupBy(p => (p.Position, Applied: applied[p.Client]), p => p.Client)
            .ToList();
        await _transactions.RetryDeadlocksAsync(
            async () =>
            {
                await using var connection = await _db.OpenConnectionAsync();
                await using var tx = await connection.BeginTransactionAsync();

                // The client rows first, in id order, as operations lock them: the same order everywhere,
                // so no deadlock. A fan-out moves every client to the same position: one statement.
                var moved = positions.SelectMany(p => p).ToHashSet();
                var contacted = clientIds.Where(id => !moved.Contains(id)).ToArray();
                if ((contacted.Length > 0 ? 1 : 0) + positions.Count > 1)
                {
                    // Several statements would lock in several orders: take the locks in one, first.
                    await connection.ExecuteAsync(
                        new CommandDefinition(
                            "SELECT id FROM clients WHERE id IN @clientIds ORDER BY id FOR UPDATE",
                            new { clientIds },
                            tx
                        )
                    );
                }

                if (contacted.Length > 0)
                {
                    var args = new DynamicParameters(new { contacted, now });
                    var newest = new System.Text.StringBuilder();
                    for (var i = 0; i < contacted.Length; i++)
                    {
                        args.Add($"c{i}", contacted[i]);
                        args.Add($"p{i}", applied[contacted[i]]);
                        newest.Append($" WHEN @c{i} THEN @p{i}");
                    }

                    await connection.ExecuteAsync(
                        new CommandDefinition(
                            $"""
                            UPDATE clients SET last_contact_at = @now, last_error = NULL, unreachable_since = NULL,
                                applied_position = GREATEST(COALESCE(applied_position, 0), CASE id{newest} END), applied_position_at = @now
                            WHERE id IN @contacted
                            """,
                            args,
                            tx
                        )
                    );
                }

                foreach (var group in positions)
                {
                    await connection.ExecuteAsync(
                        new CommandDefinition(
                            """
                            UPDATE clients SET last_contact_at = @now, last_error = NULL, unreachable_since = NULL, broadcast_position = GREATEST(broadcast_position, @position),
                                applied_position = GREATEST(COALESCE(applied_position, 0), @applied), applied_position_at = @now
                            WHERE id IN @clients
                            """,
                            new
                            {
                                position = group.Key.Position,
                                applied = group.Key.Applied,
                                clients = group.Order().ToArray(),
                                now,
                            },
                            tx
                        )
                    );
                }

                if (ids.Length > 0)
                {
                    await connection.ExecuteEachAsync(
                        new { ids, now },
                        tx,
                        CancellationToken.None,
                        """
                        INSERT IGNORE INTO delivered_messages (id, client_id, kind, item_count, attempts, created_at, delivered_at, operation_id, origin_id)
                        SELECT id, client_id, kind, item_count, attempts + 1, created_at, @now, operation_id, origin_id FROM messages WHERE id IN @ids
                        """,
                        "DELETE FROM messages WHERE id IN @ids"
                    );
                }

                await tx.CommitAsync();
            },
            CancellationToken.None
        );

        var broadcasts = messages.Where(m => m.IsBroadcast).Select(m => m.Id).Distinct().ToArray();
        if (broadcasts.Length > 0)
        {
            await Broadcasts.RetireAsync(_db, _transactions, broadcasts, now, default);
        }

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
        _failedAttempts.Dispose();
    }

    /// <summary>One attempt failed and will be retried: count it and keep the reason for the operator.</summary>
    /// <remarks>
    /// A null <paramref name="error"/> counts the attempt and keeps the reason last recorded.
    /// Grouped like acknowledgements: a fleet that becomes unreachable at once fails together.
    /// </remarks>
    public Task RecordAttemptFailedAsync(PendingMessage message, string? error, CancellationToken ct) =>
        _failedAttempts.CallAsync((message, error is null ? null : Truncate(error)), ct);

    private async Task<IReadOnlyList<bool>> RecordAttemptsFailedAsync(
        IReadOnlyList<(PendingMessage Message, string? Error)> attempts
    )
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var connection = await _db.OpenConnectionAsync();

        // A broadcast's row is shared by the fleet: one client's trouble is kept on that client.
        foreach (var byError in attempts.GroupBy(a => a.Error))
        {
            var clients = byError.Select(a => a.Message.ClientId).Distinct().Order().ToArray();
            var own = byError.Where(a => !a.Message.IsBroadcast).Select(a => a.Message.Id).ToArray();
            await connection.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE clients SET last_error = COALESCE(@error, last_error) WHERE id IN @clients",
                    new { clients, error = byError.Key }
                )
            );
            if (own.Length > 0)
            {
                await connection.ExecuteAsync(
                    new CommandDefinition(
                        "UPDATE messages SET attempts = attempts + 1, last_attempt_at = @now, last_error = COALESCE(@error, last_error) WHERE id IN @own",
                        new
                        {
                            own,
                            error = byError.Key,
                            now,
                        }
                    )
                );
            }
        }

        return attempts.Select(_ => true).ToList();
    }

    /// <summary>The client refused the message for good; it stays in the outbox as failed and the queue moves
    /// on.</summary>
    public async Task MarkFailedAsync(PendingMessage message, string reason, CancellationToken ct)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await _outbox.WriteAsync(
            OutboxTargets.None,
            async unit =>
            {
                var (connection, tx) = (unit.Connection, unit.Transaction);

                // The fleet's row moves on; this client keeps a failed copy of its own (same payload, a
                // new uid as it applied nothing), which can be retried or removed like any message. The
                // copy's id comes from the counter, like every message's, taken before any other lock.
                var copy = message.IsBroadcast ? await unit.TakePositionAsync() : 0;
                var args = new
                {
                    id = message.Id,
                    copy,
                    clientId = message.ClientId,
                    reason = Truncate(reason),
                    now,
                    uid = DeliverFrame.NewUid(),
                };
                await connection.ExecuteAsync(
                    new CommandDefinition(
                        "UPDATE clients SET last_contact_at = @now, last_error = @reason, unreachable_since = NULL WHERE id = @clientId",
                        args,
                        tx,
                        cancellationToken: ct
                    )
                );
                if (message.IsBroadcast)
                {
                    await connection.ExecuteEachAsync(
                        args,
                        tx,
                        ct,
                        $"""
                        INSERT INTO messages (id, client_id, origin_id, operation_id, uid, kind, item_count, payload, batch_id, state, attempts, created_at, last_attempt_at, last_error, trace_parent)
                        SELECT @copy, @clientId, id, operation_id, @uid, kind, item_count, payload, batch_id, '{MessageStates.Failed}', 1, created_at, @now, @reason, trace_parent FROM messages WHERE id = @id
                        """,
                        "UPDATE clients SET broadcast_position = GREATEST(broadcast_position, @id) WHERE id = @clientId"
                    );
                }
                else
                {
                    await connection.ExecuteAsync(
                        new CommandDefinition(
                            $"UPDATE messages SET state = '{MessageStates.Failed}', attempts = attempts + 1, last_attempt_at = @now, last_error = @reason WHERE id = @id",
                            args,
                            tx,
                            cancellationToken: ct
                        )
                    );
                }

                return copy;
            },
            ct
        );

        if (message.IsBroadcast)
        {
            await Broadcasts.RetireAsync(_db, _transactions, [message.Id], now, ct);
        }

        _signal.NotifySettled();
        _metrics.Failed(message.ClientId);
    }

    /// <summary>An error as it fits the 1,000-character <c>last_error</c> columns.</summary>
    internal static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];
}
