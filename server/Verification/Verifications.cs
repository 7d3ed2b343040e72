using System.Text.Json;
using Dapper;
using MySqlConnector;
using Relay.Hosting.Api;
using Relay.Server.Database;
using Relay.Server.Outbox;

namespace Relay.Server.Verification;

/// <summary>The drift found by one comparison; the id lists are complete (only samples are stored).</summary>
internal sealed record Drift(
    long ExpectedRows,
    long ClientRows,
    IReadOnlyList<long> Missing,
    IReadOnlyList<long> Extra,
    IReadOnlyList<long> Different,
    int NotJudged,
    long BytesMoved
)
{
    public bool InSync => Missing.Count == 0 && Extra.Count == 0 && Different.Count == 0;
}

/// <summary>
/// Verifications and syncs are queued like messages, one per client, so they are judged in the
/// client's order, after everything queued before them; the sender runs them when they reach the
/// head of the queue (see <see cref="DriftChecks"/>). Their outcome is kept in <c>verifications</c>.
/// </summary>
internal sealed class Verifications(MySqlDataSource db, OutboxWriter outbox, TimeProvider time)
{
    public const string Verify = "verify";
    public const string Sync = "sync";
    private const int SampleSize = 20;

    private const string Columns = """
        id AS Id, client_id AS ClientId, message_id AS MessageId, kind AS Kind, state AS State, requested_at AS RequestedAt, judged_at AS JudgedAt,
        expected_rows AS ExpectedRows, client_rows AS ClientRows, missing AS Missing, extra AS Extra, different AS Different, not_judged AS NotJudged,
        sample_ids AS SampleIds, bytes_moved AS BytesMoved, rows_sent AS RowsSent, note AS Note
        """;

    /// <summary>True for queue entries the server runs itself rather than sending as they are.</summary>
    public static bool IsCheck(string kind) => kind is Verify or Sync;

    /// <summary>
    /// Queues a verification of one client, or of every client; returns them as queued. A client
    /// whose queue already ends with a verification that has not run yet gets that one: it is
    /// judged after everything queued before this call too, so a flood of verify calls adds at
    /// most one comparison per client to wait behind, and delivery keeps its pace.
    /// </summary>
    public async Task<IReadOnlyList<VerificationResult>?> RequestAsync(long? clientId, CancellationToken ct)
    {
        var messageIds = await outbox.WriteAsync(
            clientId is { } one ? OutboxTargets.Client(one) : OutboxTargets.All,
            async unit =>
            {
                if (clientId is not null && unit.ClientIds.Count == 0)
                {
                    unit.Discard();
                    return null;
                }

                var waiting = await WaitingAtTheEndAsync(unit);
                var fresh = unit.ClientIds.Where(id => !waiting.ContainsKey(id)).ToList();
                if (fresh.Count == 0)
                {
                    unit.Discard();
                    return [.. waiting.Values];
                }

                return (IReadOnlyList<long>)[.. waiting.Values, .. await QueueAsync(unit, Verify, null, fresh)];
            },
            ct
        );
        return messageIds is null ? null : await ForMessagesAsync(messageIds, ct);
    }

    /// <summary>The target clients whose queue ends with a verification still to run, and its message.</summary>
    private static async Task<Dictionary<long, long>> WaitingAtTheEndAsync(OutboxTransaction unit)
    {
        var found = new Dictionary<long, long>();
        foreach (var chunk in unit.ClientIds.Chunk(1000))
        {
            var rows = await unit.Connection.QueryAsync<(long ClientId, long MessageId)>(
                new CommandDefinition(
                    $"""
                    SELECT m.client_id, m.id FROM messages m
                    WHERE m.client_id IN @chunk AND m.kind = '{Verify}' AND m.state = '{MessageStates.Pending}'
                      AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.client_id = m.client_id AND n.state = '{MessageStates.Pending}' AND n.id > m.id)
                      AND NOT EXISTS (SELECT 1 FROM messages b WHERE b.client_id IS NULL AND b.state = '{MessageStates.Pending}' AND b.id > m.id AND b.audience_upto >= m.client_id)
                    """,
                    new { chunk },
                    unit.Transaction,
                    cancellationToken: unit.CancellationToken
                )
            );
            foreach (var (client, message) in rows)
            {
                found[client] = message;
            }
        }

        return found;
    }

    /// <summary>Queues a check of the given kind for each of the transaction's clients, with its <c>verifications</c>
    /// row; returns the message ids.</summary>
    public static async Task<IReadOnlyList<long>> QueueAsync(
        OutboxTransaction unit,
        string kind,
        long? operationId,
        IReadOnlyList<long>? clientIds = null
    )
    {
        var ids = await unit.QueueCheckAsync(kind, operationId, clientIds);
        if (ids.Count > 0)
        {
            await unit.Connection.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO verifications (client_id, message_id, kind, state, requested_at)
                    SELECT client_id, id, kind, 'pending', created_at FROM messages WHERE id IN @ids
                    """,
                    new { ids },
                    unit.Transaction,
                    cancellationToken: unit.CancellationToken
                )
            );
        }

        return ids;
    }

    public async Task<IReadOnlyList<VerificationResult>> ForMessagesAsync(
        IReadOnlyList<long> messageIds,
        CancellationToken ct
    )
    {
        if (messageIds.Count == 0)
        {
            return [];
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(
            new CommandDefinition(
                $"SELECT {Columns} FROM verifications WHERE message_id IN @messageIds ORDER BY client_id, id",
                new { messageIds },
                cancellationToken: ct
            )
        );
        return rows.Select(r => r.ToResult()).ToList();
    }

    public async Task<VerificationResult?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            new CommandDefinition(
                $"SELECT {Columns} FROM verifications WHERE id = @id",
                new { id },
                cancellationToken: ct
            )
        );
        return row?.ToResult();
    }

    /// <summary>Records a judged comparison; a sync's rows sent also become its message's item count.</summary>
    public Task JudgedAsync(long messageId, Drift drift, long? rowsSent, CancellationToken ct) =>
        UpdateAsync(messageId, VerificationState.Judged, drift, rowsSent, note: null, ct);

    /// <summary>Records a comparison that did not happen, and why.</summary>
    public Task EndedAsync(long messageId, VerificationState state, string note, CancellationToken ct) =>
        UpdateAsync(messageId, state, drift: null, rowsSent: null, note, ct);

    private async Task UpdateAsync(
        long messageId,
        VerificationState state,
        Drift? drift,
        long? rowsSent,
        string? note,
        CancellationToken ct
    )
    {
        var samples = drift is null
            ? null
            : JsonSerializer.Serialize(
                new long[][]
                {
                    [.. drift.Missing.Take(SampleSize)],
                    [.. drift.Extra.Take(SampleSize)],
                    [.. drift.Different.Take(SampleSize)],
                }
            );
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteEachAsync(
            new
            {
                messageId,
                state = WireNames.Of(state),
                now = time.GetUtcNow().UtcDateTime,
                expected = drift?.ExpectedRows,
                held = drift?.ClientRows,
                missing = drift?.Missing.Count,
                extra = drift?.Extra.Count,
                different = drift?.Different.Count,
                notJudged = drift?.NotJudged,
                samples,
                bytes = drift?.BytesMoved,
                rowsSent,
                note = note is { Length: > 1000 } ? note[..1000] : note,
                inSync = drift is { InSync: true },
            },
            null,
            ct,
            """
            UPDATE verifications
            SET state = @state, judged_at = @now, expected_rows = @expected, client_rows = @held, missing = @missing, extra = @extra,
                different = @different, not_judged = @notJudged, sample_ids = @samples, bytes_moved = @bytes, rows_sent = @rowsSent, note = @note
            WHERE message_id = @messageId AND state = 'pending'
            """,
            "UPDATE messages SET item_count = @rowsSent WHERE id = @messageId AND @rowsSent IS NOT NULL",
            // A client found in sync no longer holds more than the server knows (see ClientPositions).
            "UPDATE clients c JOIN verifications v ON v.client_id = c.id SET c.ahead_position = NULL, c.ahead_since = NULL WHERE v.message_id = @messageId AND @inSync"
        );
    }

    private sealed record Row(
        long Id,
        long ClientId,
        long? MessageId,
        string Kind,
        string State,
        DateTime RequestedAt,
        DateTime? JudgedAt,
        long? ExpectedRows,
        long? ClientRows,
        long? Missing,
        long? Extra,
        long? Different,
        long? NotJudged,
        string? SampleIds,
        long? BytesMoved,
        long? RowsSent,
        string? Note
    )
    {
        public VerificationResult ToResult()
        {
            var samples = SampleIds is null ? null : JsonSerializer.Deserialize<long[][]>(SampleIds);
            var state = WireNames.Parse<VerificationState>(State);
            bool? inSync = state == VerificationState.Judged ? Missing == 0 && Extra == 0 && Different == 0 : null;
            return new(
                Id,
                ClientId,
                MessageId,
                Kind,
                state,
                RequestedAt,
                JudgedAt,
                inSync,
                ExpectedRows,
                ClientRows,
                Missing,
                Extra,
                Different,
                NotJudged,
                samples?[0] ?? [],
                samples?[1] ?? [],
                samples?[2] ?? [],
                BytesMoved,
                RowsSent,
                Note
            );
        }
    }
}
