using Dapper;
using MySqlConnector;
using Relay.Hosting.Api;
using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>
/// How far an operation has come, read from the outbox. An operation's messages are its own rows
/// (<c>operation_id</c>) for one client, plus broadcasts: a client has received those up to its
/// <c>broadcast_position</c> (see <see cref="ClientQueue"/>), so progress over the whole fleet is a
/// grouping of positions, not a row per client and message. A client that refused a broadcast
/// has a copy of its own (<c>origin_id</c>), which stands for that broadcast from then on.
/// </summary>
internal sealed class OperationProgress(MySqlDataSource db)
{
    private const string StoredColumns =
        "id AS Id, kind AS Kind, client_id AS ClientId, personnel_id AS PersonnelId, audience_upto AS AudienceUpto, created_at AS CreatedAt";

    public async Task<StoredOperation?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StoredOperation>(
            new CommandDefinition(
                $"SELECT {StoredColumns} FROM operations WHERE id = @id",
                new { id },
                cancellationToken: ct
            )
        );
    }

    /// <summary>An operation with the ids of its broadcasts, in order, in one query; null when there is none with this
    /// id.</summary>
    public async Task<(StoredOperation Operation, long[] Broadcasts)?> FindWithBroadcastsAsync(
        long id,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (
            await connection.QueryAsync<StoredOperation, long?, (StoredOperation Operation, long? Broadcast)>(
                new CommandDefinition(
                    $"""
                    SELECT o.id AS Id, o.kind AS Kind, o.client_id AS ClientId, o.personnel_id AS PersonnelId, o.audience_upto AS AudienceUpto, o.created_at AS CreatedAt,
                           b.id AS BroadcastId
                    FROM operations o LEFT JOIN (
                        SELECT operation_id, id FROM messages WHERE operation_id = @id AND client_id IS NULL
                        UNION ALL
                        SELECT operation_id, id FROM delivered_messages WHERE operation_id = @id AND client_id IS NULL
                    ) b ON b.operation_id = o.id AND o.client_id IS NULL
                    WHERE o.id = @id
                    ORDER BY b.id
                    """,
                    new { id },
                    cancellationToken: ct
                ),
                (operation, broadcast) => (operation, broadcast),
                splitOn: "BroadcastId"
            )
        ).AsList();
        return rows.Count == 0
            ? null
            : (rows[0].Operation, [.. rows.Where(r => r.Broadcast is not null).Select(r => r.Broadcast!.Value)]);
    }

    /// <summary>Operations before <paramref name="beforeId"/>, newest first.</summary>
    public async Task<IReadOnlyList<StoredOperation>> RecentAsync(long? beforeId, int take, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (
            await connection.QueryAsync<StoredOperation>(
                new CommandDefinition(
                    $"SELECT {StoredColumns} FROM operations WHERE id < @before ORDER BY id DESC LIMIT @take",
                    new { before = beforeId ?? long.MaxValue, take },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>The ids of the operation's broadcasts (in the outbox or delivered), in order: fixed once it is
    /// committed.</summary>
    public async Task<long[]> BroadcastIdsAsync(StoredOperation operation, CancellationToken ct) =>
        (await BroadcastIdsAsync([operation], ct))[operation.Id];

    /// <summary>True while some client of the operation has a message of it to receive: two index lookups, whatever the
    /// fleet.</summary>
    public async Task<bool> HasPendingAsync(StoredOperation operation, long[] broadcasts, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                $"""
                SELECT EXISTS (SELECT 1 FROM messages WHERE operation_id = @Id AND client_id IS NOT NULL AND state = '{MessageStates.Pending}')
                    OR EXISTS (SELECT 1 FROM clients c WHERE {operation.Audience} AND c.broadcast_position < @last)
                """,
                new
                {
                    operation.Id,
                    operation.ClientId,
                    operation.AudienceUpto,
                    last = broadcasts.LastOrDefault(),
                },
                cancellationToken: ct
            )
        );
    }

    /// <summary>Where one operation stands: two queries, whatever the fleet.</summary>
    public async Task<OperationStatus> StatusAsync(
        StoredOperation operation,
        long[] broadcasts,
        CancellationToken ct
    ) => (await StatusesAsync([operation], new Dictionary<long, long[]> { [operation.Id] = broadcasts }, ct))[0];

    /// <summary>
    /// Where a page of operations stands: their broadcasts in one query, then their audiences and
    /// their clients' own rows in one more, however many operations the page holds.
    /// </summary>
    public async Task<IReadOnlyList<OperationStatus>> StatusesAsync(
        IReadOnlyList<StoredOperation> operations,
        CancellationToken ct
    ) => operations.Count == 0 ? [] : await StatusesAsync(operations, await BroadcastIdsAsync(operations, ct), ct);

    /// <summary>The ids of the broadcasts of each operation, in order (operations on one client have none).</summary>
    private async Task<Dictionary<long, long[]>> BroadcastIdsAsync(
        IReadOnlyList<StoredOperation> operations,
        CancellationToken ct
    )
    {
        var ids = operations.Where(o => o.ClientId is null).Select(o => o.Id).ToArray();
        var found = new List<(long OperationId, long Id)>();
        if (ids.Length > 0)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            found = (
                await connection.QueryAsync<(long, long)>(
                    new CommandDefinition(
                        """
                        SELECT operation_id, id FROM messages WHERE operation_id IN @ids AND client_id IS NULL
                        UNION ALL
                        SELECT operation_id, id FROM delivered_messages WHERE operation_id IN @ids AND client_id IS NULL
                        ORDER BY 1, 2
                        """,
                        new { ids },
                        cancellationToken: ct
                    )
                )
            ).AsList();
        }

        var byOperation = found.ToLookup(b => b.OperationId, b => b.Id);
        return operations.ToDictionary(o => o.Id, o => byOperation[o.Id].ToArray());
    }

    private async Task<IReadOnlyList<OperationStatus>> StatusesAsync(
        IReadOnlyList<StoredOperation> operations,
        Dictionary<long, long[]> broadcasts,
        CancellationToken ct
    )
    {
        // The audience of each operation, and its last broadcast, as a derived table the query joins.
        var args = new DynamicParameters();
        var rows = new List<string>();
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            rows.Add($"SELECT @o{i} AS id, @c{i} AS client_id, @a{i} AS audience_upto, @l{i} AS last");
            args.Add($"o{i}", operation.Id);
            args.Add($"c{i}", operation.ClientId);
            args.Add($"a{i}", operation.AudienceUpto);
            args.Add($"l{i}", broadcasts[operation.Id].LastOrDefault());
        }

        var page = string.Join(" UNION ALL ", rows);
        const string inAudience = "(o.client_id = c.id OR (o.client_id IS NULL AND c.id <= o.audience_upto))";

        // Part 'a': each operation's clients grouped by how far they are (those past its last
        // broadcast in one group): few groups, however many clients. Part 'o': clients with rows of
        // their own in the operation (all of them for an operation on one client).
        await using var connection = await db.OpenConnectionAsync(ct);
        var parts = (
            await connection.QueryAsync<StatusRow>(
                new CommandDefinition(
                    $"""
                    SELECT 'a' AS Part, o.id AS OperationId, 0 AS ClientId, LEAST(c.broadcast_position, o.last) AS Position, COUNT(*) AS Clients,
                           0 AS Pending, 0 AS Failed, 0 AS Delivered, 0 AS Copies
                    FROM ({page}) o JOIN clients c ON {inAudience}
                    GROUP BY o.id, LEAST(c.broadcast_position, o.last)
                    UNION ALL
                    SELECT 'o', x.operation_id, x.client_id, c.broadcast_position, 1,
                           CAST(SUM(x.pending) AS SIGNED), CAST(SUM(x.failed) AS SIGNED), CAST(SUM(x.delivered) AS SIGNED), CAST(SUM(x.copy) AS SIGNED)
                    FROM (
                        SELECT operation_id, client_id, state = '{MessageStates.Pending}' AS pending, state = '{MessageStates.Failed}' AS failed, 0 AS delivered, origin_id IS NOT NULL AS copy
                        FROM messages WHERE operation_id IN @ids AND client_id IS NOT NULL
                        UNION ALL
                        SELECT operation_id, client_id, 0, 0, 1, origin_id IS NOT NULL FROM delivered_messages WHERE operation_id IN @ids AND client_id IS NOT NULL
                    ) x JOIN clients c ON c.id = x.client_id JOIN ({page}) o ON o.id = x.operation_id
                    WHERE {inAudience}
                    GROUP BY x.operation_id, x.client_id, c.broadcast_position
                    """,
                    AddIds(args, operations),
                    cancellationToken: ct
                )
            )
        ).ToLookup(r => r.OperationId);

        return [.. operations.Select(o => Status(o, broadcasts[o.Id], parts[o.Id].ToList()))];
    }

    private static DynamicParameters AddIds(DynamicParameters args, IReadOnlyList<StoredOperation> operations)
    {
        args.Add("ids", operations.Select(o => o.Id).ToArray());
        return args;
    }

    private static OperationStatus Status(StoredOperation operation, long[] broadcasts, List<StatusRow> rows)
    {
        long k = broadcasts.Length;
        var last = broadcasts.LastOrDefault();
        var groups = rows.Where(r => r.Part == "a").ToList();
        var own = rows.Where(r => r.Part == "o").ToList();
        var audience = (int)groups.Sum(g => g.Clients);
        var behind = k == 0 ? [] : groups.Where(g => g.Position < last).ToList();

        var lagging = (int)behind.Sum(b => b.Clients);
        var broadcastPending = behind.Sum(b => b.Clients * (k - Passed(broadcasts, b.Position)));
        var pending = broadcastPending + own.Sum(o => o.Pending);
        var failed = own.Sum(o => o.Failed);
        var total = k * audience + own.Sum(o => o.Pending + o.Failed + o.Delivered - o.Copies);
        var messages = new MessageCounts(total, pending, total - pending - failed, failed);

        var failedClients = own.Count(o => o.Failed > 0);
        var pendingClients =
            lagging
            + own.Count(o => o.Failed == 0 && o.Pending > 0 && Passed(broadcasts, o.Position) == k)
            - own.Count(o => o.Failed > 0 && Passed(broadcasts, o.Position) < k);
        var clients = new ClientCounts(
            audience,
            audience - failedClients - pendingClients,
            pendingClients,
            failedClients
        );
        return new OperationStatus(
            operation.Id,
            operation.Kind,
            new(operation.ClientId, operation.PersonnelId),
            OperationStatus.StateOf(messages),
            operation.CreatedAt,
            clients,
            messages
        );
    }

    /// <summary>
    /// The operation's clients in one state (<c>failed</c>, <c>pending</c>, <c>done</c>), or
    /// <c>unfinished</c> (failed or pending) or <c>all</c>, by client id.
    /// </summary>
    public async Task<Page<OperationClient>> ClientsAsync(
        StoredOperation operation,
        long[] broadcasts,
        OperationClientFilter state,
        long afterId,
        int take,
        CancellationToken ct
    )
    {
        const string open = "EXISTS (SELECT 1 FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id)";
        const string refused =
            $"EXISTS (SELECT 1 FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id AND m.state = '{MessageStates.Failed}')";
        const string waiting =
            $"(c.broadcast_position < @last OR EXISTS (SELECT 1 FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id AND m.state = '{MessageStates.Pending}'))";
        var filter = state switch
        {
            OperationClientFilter.Failed => refused,
            OperationClientFilter.Pending => $"NOT {refused} AND {waiting}",
            OperationClientFilter.Done => $"NOT {open} AND c.broadcast_position >= @last",
            OperationClientFilter.Unfinished => $"({open} OR c.broadcast_position < @last)",
            OperationClientFilter.All => "TRUE",
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        };

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (
            await connection.QueryAsync<ClientRow>(
                new CommandDefinition(
                    $"""
                    SELECT c.id AS ClientId, c.name AS Name, c.broadcast_position AS Position, c.last_error AS ClientError,
                           (SELECT COUNT(*) FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id AND m.state = '{MessageStates.Pending}') AS Pending,
                           (SELECT COUNT(*) FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id AND m.state = '{MessageStates.Failed}') AS Failed,
                           (SELECT COUNT(*) FROM delivered_messages d WHERE d.operation_id = @Id AND d.client_id = c.id) AS Delivered,
                           (SELECT COUNT(*) FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id AND m.origin_id IS NOT NULL)
                           + (SELECT COUNT(*) FROM delivered_messages d WHERE d.operation_id = @Id AND d.client_id = c.id AND d.origin_id IS NOT NULL) AS Copies,
                           (SELECT m.last_error FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id AND m.last_error IS NOT NULL
                            ORDER BY m.last_attempt_at DESC LIMIT 1) AS LastError,
                           (SELECT MAX(m.last_attempt_at) FROM messages m WHERE m.operation_id = @Id AND m.client_id = c.id) AS LastAttemptAt
                    FROM clients c
                    WHERE {operation.Audience} AND c.id > @afterId AND {filter}
                    ORDER BY c.id LIMIT @take
                    """,
                    new
                    {
                        operation.Id,
                        operation.ClientId,
                        operation.AudienceUpto,
                        last = broadcasts.LastOrDefault(),
                        afterId,
                        take,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();

        var items = rows.Select(r => r.ToClient(broadcasts)).ToList();
        return new Page<OperationClient>(items, items.Count == take ? items[^1].ClientId : null);
    }

    /// <summary>How many of the broadcasts a client at <paramref name="position"/> has passed.</summary>
    private static long Passed(long[] broadcasts, long position)
    {
        var at = Array.BinarySearch(broadcasts, position);
        return at >= 0 ? at + 1 : ~at;
    }

    /// <summary>A row of the status query: settable, so the connector's column types convert as they come.</summary>
    private sealed class StatusRow
    {
        public string Part { get; init; } = "";

        public long OperationId { get; init; }

        public long ClientId { get; init; }

        public long Position { get; init; }

        public long Clients { get; init; }

        public long Pending { get; init; }

        public long Failed { get; init; }

        public long Delivered { get; init; }

        public long Copies { get; init; }
    }

    private sealed record ClientRow(
        long ClientId,
        string Name,
        long Position,
        string? ClientError,
        long Pending,
        long Failed,
        long Delivered,
        long Copies,
        string? LastError,
        DateTime? LastAttemptAt
    )
    {
        public OperationClient ToClient(long[] broadcasts)
        {
            var passed = Passed(broadcasts, Position);
            var pending = broadcasts.Length - passed + Pending;
            var messages = new MessageCounts(
                broadcasts.Length + Pending + Failed + Delivered - Copies,
                pending,
                passed - Copies + Delivered,
                Failed
            );
            var state =
                Failed > 0 ? OperationClientState.Failed
                : pending > 0 ? OperationClientState.Pending
                : OperationClientState.Done;

            // A client that cannot be reached has no error on the operation's rows, but on itself.
            return new OperationClient(
                ClientId,
                Name,
                state,
                messages,
                LastError ?? (state == OperationClientState.Pending ? ClientError : null),
                LastAttemptAt
            );
        }
    }
}
