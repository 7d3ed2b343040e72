using System.Data;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;
using Relay.Server.Personnel;

namespace Relay.Server.Verification;

/// <summary>
/// What a client should hold once every message queued before a check is applied: the server's
/// current version of each personnel its holdings name. Personnel that messages queued after the
/// check will change are left out of the comparison (<see cref="NotJudged"/>), and a later message
/// that redefines the whole table makes the check moot (<see cref="SupersededBy"/>).
/// </summary>
internal sealed record ClientTarget(
    IReadOnlyDictionary<long, PersonnelRecord> Rows,
    IReadOnlySet<long> NotJudged,
    long? SupersededBy
)
{
    /// <summary>Reads holdings, personnel and the later messages in one snapshot, so they agree with each
    /// other.</summary>
    public static async Task<ClientTarget> LoadAsync(
        MySqlDataSource db,
        long clientId,
        long checkMessageId,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

        var notJudged = new HashSet<long>();
        var later = await connection.QueryAsync<(long Id, string Kind, string? Payload)>(
            new CommandDefinition(
                $"""
                SELECT m.id, m.kind, COALESCE(m.payload, b.payload)
                FROM messages m LEFT JOIN batches b ON b.id = m.batch_id
                WHERE m.client_id = @clientId AND m.state IN ('{MessageStates.Pending}', '{MessageStates.Failed}') AND m.id > @checkMessageId
                UNION ALL
                SELECT m.id, m.kind, b.payload
                FROM clients c JOIN messages m ON {ClientQueue.BroadcastPending} LEFT JOIN batches b ON b.id = m.batch_id
                WHERE c.id = @clientId AND m.id > @checkMessageId
                ORDER BY 1
                """,
                new { clientId, checkMessageId },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var (id, kind, payload) in later)
        {
            if (
                kind == MessageKind.Replace.ToName()
                || kind == MessageKind.DeleteAll.ToName()
                || kind == Verifications.Sync
            )
            {
                return new ClientTarget(new Dictionary<long, PersonnelRecord>(), notJudged, SupersededBy: id);
            }

            if (kind == Verifications.Verify || payload is null)
            {
                continue;
            }

            var body = JsonSerializer.Deserialize(payload, RelayJsonContext.Default.MessageBody);
            notJudged.UnionWith(body?.Personnel?.Select(p => p.Id) ?? []);
            notJudged.UnionWith(body?.PersonnelIds ?? []);
        }

        var upto = await connection.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT holds_all_upto FROM client_watermarks WHERE client_id = @clientId",
                new { clientId },
                tx,
                cancellationToken: ct
            )
        );
        var rows = await connection.QueryAsync<PersonnelRecord>(
            new CommandDefinition(
                upto is null
                    ? $"""
                    SELECT {PersonnelRows.ColumnsOfP}
                    FROM client_holdings h JOIN personnel p ON p.id = h.personnel_id
                    WHERE h.client_id = @clientId AND h.held
                    """
                    : $"""
                    SELECT {PersonnelRows.ColumnsOfP}
                    FROM personnel p LEFT JOIN client_holdings h ON h.client_id = @clientId AND h.personnel_id = p.id
                    WHERE (p.id <= @upto AND (h.held IS NULL OR h.held)) OR h.held
                    """,
                new { clientId, upto },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return new ClientTarget(rows.ToDictionary(r => r.Id), notJudged, SupersededBy: null);
    }
}
