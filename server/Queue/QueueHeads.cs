using System.Collections.Frozen;
using Dapper;
using MySqlConnector;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;

namespace Relay.Server.Queue;

/// <summary>A worker asks for the head of its client's queue.</summary>
/// <param name="DeletionsFirst">The client keeps tombstones (<see cref="Features.Overtaking"/>): its pending deletions
/// come before the rest of its queue.</param>
internal readonly record struct QueueRead(long ClientId, int Limit, bool DeletionsFirst = false);

/// <summary>Reads the heads of many clients' queues at once (see <see cref="ClientQueue"/>).</summary>
internal static class QueueHeads
{
    /// <summary>
    /// The heads of several clients' queues in four statements whatever their number: the clients'
    /// positions, the ids of their own pending messages (from the index), those rows, and the
    /// broadcasts pending past the lowest position, merged per client in memory. Payloads of
    /// shared batches come from <see cref="BatchCache"/>.
    /// </summary>
    public static Task<IReadOnlyList<IReadOnlyList<PendingMessage>>> ReadAsync(
        MySqlDataSource db,
        BatchCache batches,
        IReadOnlyList<QueueRead> requests
    ) => ReadAsync(db, batches, requests, skipBroadcastsUpto: 0);

    /// <param name="skipBroadcastsUpto">Broadcasts up to this id are known to be none of these clients'
    /// business.</param>
    private static async Task<IReadOnlyList<IReadOnlyList<PendingMessage>>> ReadAsync(
        MySqlDataSource db,
        BatchCache batches,
        IReadOnlyList<QueueRead> requests,
        long skipBroadcastsUpto
    )
    {
        var ids = requests.Select(r => r.ClientId).Distinct().ToArray();
        var limit = requests.Max(r => r.Limit);
        await using var connection = await db.OpenConnectionAsync();
        var clients = (
            await connection.QueryAsync<(long Id, string Host, int Port, long Position)>(
                new CommandDefinition(
                    "SELECT id, host, port, broadcast_position FROM clients WHERE id IN @ids",
                    new { ids }
                )
            )
        ).ToDictionary(c => c.Id, c => c with { Position = Math.Max(c.Position, skipBroadcastsUpto) });
        if (clients.Count == 0)
        {
            return requests.Select(_ => (IReadOnlyList<PendingMessage>)[]).ToList();
        }

        var pendingOwn = (
            await connection.QueryAsync<(long Id, long ClientId, string Kind)>(
                new CommandDefinition(
                    $"SELECT id, client_id, kind FROM messages WHERE client_id IN @ids AND state = '{MessageStates.Pending}' ORDER BY client_id, id",
                    new { ids }
                )
            )
        ).GroupBy(m => m.ClientId);

        // A client that keeps tombstones gets its pending deletions first, alone in their window.
        var overtaking = requests.Where(r => r.DeletionsFirst).Select(r => r.ClientId).ToHashSet();
        var deletionsFirst = pendingOwn
            .Where(g => overtaking.Contains(g.Key))
            .Select(g => (Client: g.Key, Ids: DeletionsAhead(g).Take(limit).ToArray()))
            .Where(d => d.Ids.Length > 0)
            .ToDictionary(d => d.Client, d => d.Ids);
        var ownIds = pendingOwn
            .SelectMany(g => deletionsFirst.TryGetValue(g.Key, out var first) ? first : g.Take(limit).Select(m => m.Id))
            .ToArray();
        var own =
            ownIds.Length == 0
                ? []
                : (
                    await connection.QueryAsync<HeadRow>(
                        new CommandDefinition(
                            """
                            SELECT id AS Id, uid AS Uid, client_id AS ClientId, kind AS Kind, payload AS Payload, batch_id AS BatchId, attempts AS Attempts, created_at AS CreatedAt,
                                   trace_parent AS TraceParent
                            FROM messages WHERE id IN @ownIds
                            """,
                            new { ownIds }
                        )
                    )
                ).AsList();

        // Broadcasts are shared: read once for the group, from the lowest position on. When the
        // cap cuts the list, every window stops at the last broadcast read, so none is overtaken.
        var broadcastCap = Math.Max(1000, 4 * limit);
        var broadcasts = (
            await connection.QueryAsync<HeadRow>(
                new CommandDefinition(
                    $"""
                    SELECT id AS Id, uid AS Uid, kind AS Kind, CASE WHEN batch_id IS NULL THEN payload END AS Payload, batch_id AS BatchId,
                           attempts AS Attempts, created_at AS CreatedAt, audience_upto AS AudienceUpto, trace_parent AS TraceParent
                    FROM messages WHERE client_id IS NULL AND state = '{MessageStates.Pending}' AND id > @from ORDER BY id LIMIT @broadcastCap
                    """,
                    new { from = clients.Values.Min(c => c.Position), broadcastCap }
                )
            )
        ).AsList();
        var cutoff = broadcasts.Count == broadcastCap ? broadcasts[^1].Id : long.MaxValue;

        var payloads = await batches.GetAsync(
            connection,
            own.Concat(broadcasts).Where(r => r.Payload is null && r.BatchId is not null).Select(r => r.BatchId!.Value),
            default
        );
        byte[]? PayloadOf(HeadRow row) =>
            row.Payload is not null ? row.Utf8Payload
            : row.BatchId is { } batch && payloads.TryGetValue(batch, out var shared) ? shared
            : null;
        PendingMessage Pending(HeadRow row, (long Id, string Host, int Port, long Position) client, bool isBroadcast)
        {
            var payload = PayloadOf(row);
            return new PendingMessage(
                row.Id,
                row.Uid,
                client.Id,
                row.Kind,
                payload ?? ReadOnlyMemory<byte>.Empty,
                row.Attempts,
                row.CreatedAt,
                client.Host,
                client.Port,
                isBroadcast,
                TraceParent: row.TraceParent,
                Unreadable: payload is not null
                    ? null
                    : $"Message {row.Id} cannot be sent: what it carries is no longer stored{(row.BatchId is { } b ? $" (batch {b} is missing)" : "")}. Discard the failed message (DELETE /messages/{{id}}) and verify the client."
            );
        }

        var ownByClient = own.ToLookup(r => r.ClientId);
        var windows = requests
            .Select(request =>
            {
                if (!clients.TryGetValue(request.ClientId, out var client))
                {
                    return (IReadOnlyList<PendingMessage>)[];
                }

                var mine = ownByClient[client.Id].Select(r => Pending(r, client, isBroadcast: false));
                if (deletionsFirst.ContainsKey(client.Id))
                {
                    return (IReadOnlyList<PendingMessage>)mine.OrderBy(m => m.Id).Take(request.Limit).ToList();
                }

                var shared = broadcasts
                    .Where(b => b.Id > client.Position && b.AudienceUpto >= client.Id)
                    .Select(b => Pending(b, client, isBroadcast: true));
                return (IReadOnlyList<PendingMessage>)
                    mine.Concat(shared).Where(m => m.Id <= cutoff).OrderBy(m => m.Id).Take(request.Limit).ToList();
            })
            .ToList();

        // A client the cut left with nothing (its work lies past the broadcasts read) reads on
        // from there, so a long list of broadcasts for others never starves it.
        var starved = Enumerable
            .Range(0, requests.Count)
            .Where(i => windows[i].Count == 0 && cutoff != long.MaxValue && clients.ContainsKey(requests[i].ClientId))
            .ToList();
        if (starved.Count > 0)
        {
            var more = await ReadAsync(db, batches, starved.Select(i => requests[i]).ToList(), cutoff);
            for (var i = 0; i < starved.Count; i++)
            {
                windows[starved[i]] = more[i];
            }
        }

        return windows;
    }

    /// <summary>
    /// A client's pending deletions that may be sent ahead of the rest of its queue: every one
    /// before its first pending check, which judges the client against everything queued before it
    /// and so must not be overtaken.
    /// </summary>
    private static IEnumerable<long> DeletionsAhead(IEnumerable<(long Id, long ClientId, string Kind)> pending)
    {
        foreach (var message in pending)
        {
            if (message.Kind == Deletion)
            {
                yield return message.Id;
            }
            else if (!MessageKinds.Contains(message.Kind))
            {
                yield break;
            }
        }
    }

    private static readonly string Deletion = MessageKind.Delete.ToName();

    /// <summary>Kinds of messages sent to the client; any other kind in a queue is a check the server runs.</summary>
    private static readonly FrozenSet<string> MessageKinds = Enum.GetValues<MessageKind>()
        .Select(k => k.ToName())
        .ToFrozenSet();

    /// <summary>One outbox row as <see cref="ReadAsync(MySqlDataSource, BatchCache, IReadOnlyList{QueueRead})"/> reads
    /// it.</summary>
    private sealed class HeadRow
    {
        public long Id { get; init; }

        public string Uid { get; init; } = "";

        public long ClientId { get; init; }

        public string Kind { get; init; } = "";

        public string? Payload { get; init; }

        /// <summary>The payload stored in the row, encoded once however many clients this read serves.</summary>
        public byte[] Utf8Payload => field ??= System.Text.Encoding.UTF8.GetBytes(Payload!);

        public long? BatchId { get; init; }

        public int Attempts { get; init; }

        public DateTime CreatedAt { get; init; }

        public long? AudienceUpto { get; init; }

        public string? TraceParent { get; init; }
    }
}
