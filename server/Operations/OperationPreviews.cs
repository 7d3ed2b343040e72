using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;
using Relay.Server.Personnel;

namespace Relay.Server.Operations;

/// <summary>
/// Answers <c>?dryRun=true</c>: what an operation would queue, and for a deletion how many rows
/// each client holds that would go, read from the clients' holdings (<see cref="Holdings"/>)
/// without writing anything. The cost grows with the clients and the holdings' exceptions, not with
/// clients × personnel: the personnel under each distinct watermark are counted once.
/// </summary>
internal sealed class OperationPreviews(MySqlDataSource db, IOptions<OutboxOptions> options)
{
    private const int ListedClients = 100;

    /// <summary>Approximate JSON of one personnel in a message besides its texts:
    /// <c>{"id":,"name":"","surname":"","ssn":"12345678901"},</c>.</summary>
    private const int RecordOverhead = 52;

    /// <summary>Approximate JSON of a message body besides its personnel.</summary>
    private const int BodyOverhead = 40;

    public async Task<(OperationPreview? Preview, string? Missing, long MissingId)> PreviewAsync(
        Operation operation,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var clients = (
            await connection.QueryAsync<TargetClient>(
                new CommandDefinition(
                    """
                    SELECT c.id AS Id, c.name AS Name, w.holds_all_upto AS Watermark
                    FROM clients c LEFT JOIN client_watermarks w ON w.client_id = c.id
                    WHERE @clientId IS NULL OR c.id = @clientId
                    """,
                    new { clientId = operation.ClientId },
                    cancellationToken: ct
                )
            )
        ).AsList();
        if (operation.ClientId is { } wanted && clients.Count == 0)
        {
            return (null, "Client", wanted);
        }

        var target = new OperationTarget(operation.ClientId, operation.PersonnelId);
        OperationPreview Preview(
            long messagesEach,
            long? rowsEach,
            long? bytesEach,
            RowsThatGo? removes,
            string? note
        ) =>
            new(
                true,
                operation.Kind,
                target,
                clients.Count,
                messagesEach * clients.Count,
                rowsEach * clients.Count,
                bytesEach * clients.Count,
                removes,
                note
            );

        switch (operation)
        {
            case { Delete: true, PersonnelId: { } one }:
                var holding = await HoldingOneAsync(connection, clients, one, ct);
                return (Preview(1, null, BodyOverhead, holding, null) with { Rows = holding.Total }, null, 0);
            case { Delete: true }:
                var held = await HoldingsAsync(connection, clients, ct);
                return (Preview(1, null, BodyOverhead, held, null) with { Rows = held.Total }, null, 0);
            case { PersonnelId: { } one }:
                var person = await connection.QuerySingleOrDefaultAsync<PersonnelRecord>(
                    new CommandDefinition(
                        $"SELECT {PersonnelRows.Columns} FROM personnel WHERE id = @one",
                        new { one },
                        cancellationToken: ct
                    )
                );
                if (person is null)
                {
                    return (null, "Personnel", one);
                }

                var body = JsonSerializer.SerializeToUtf8Bytes(
                    new MessageBody(MessageKind.Save, Personnel: [person]),
                    RelayJsonContext.Default.MessageBody
                );
                return (Preview(1, 1, body.Length, null, null), null, 0);
            case { Sync: true }:
                return (
                    Preview(
                        1,
                        null,
                        null,
                        null,
                        "A sync compares each client's digests when it is reached and sends only the rows that differ: "
                            + "how many is known then (GET /verifications/{id})."
                    ),
                    null,
                    0
                );
            default:
                var (count, chars) = await connection.QuerySingleAsync<(long, long)>(
                    new CommandDefinition(
                        """
                        SELECT COUNT(*), CAST(COALESCE(SUM(CHAR_LENGTH(name) + CHAR_LENGTH(surname) + CHAR_LENGTH(CAST(id AS CHAR))), 0) AS SIGNED)
                        FROM personnel
                        """,
                        cancellationToken: ct
                    )
                );
                var batch = options.Value.BatchSize;
                var messages = (count + batch - 1) / batch;
                if (operation.Replace)
                {
                    messages = Math.Max(1, messages);
                }

                return (
                    Preview(
                        messages,
                        count,
                        chars + count * RecordOverhead + messages * BodyOverhead,
                        null,
                        operation.Replace
                            ? "A replace also removes from each client what the server does not have; "
                                + "verify a client first to see what that is."
                            : null
                    ),
                    null,
                    0
                );
        }
    }

    /// <summary>The clients that hold personnel <paramref name="personnelId"/>: under their watermark and not deleted
    /// since, or sent it above.</summary>
    private static async Task<RowsThatGo> HoldingOneAsync(
        MySqlConnection connection,
        List<TargetClient> clients,
        long personnelId,
        CancellationToken ct
    )
    {
        var exceptions = (
            await connection.QueryAsync<(long ClientId, bool Held)>(
                new CommandDefinition(
                    "SELECT client_id, held FROM client_holdings WHERE personnel_id = @personnelId",
                    new { personnelId },
                    cancellationToken: ct
                )
            )
        ).ToDictionary(e => e.ClientId, e => e.Held);
        return Tally(
            clients
                .Where(c => exceptions.TryGetValue(c.Id, out var held) ? held : c.Watermark >= personnelId)
                .Select(c => new ClientRows(c.Id, c.Name, 1))
        );
    }

    /// <summary>Every targeted client's rows: the personnel under its watermark (counted once per distinct
    /// watermark), less those deleted below it, plus those sent above it.</summary>
    private static async Task<RowsThatGo> HoldingsAsync(
        MySqlConnection connection,
        List<TargetClient> clients,
        CancellationToken ct
    )
    {
        var under = new Dictionary<long, long>();
        foreach (var watermark in clients.Select(c => c.Watermark ?? 0).Distinct())
        {
            under[watermark] = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    "SELECT COUNT(*) FROM personnel WHERE id <= @watermark",
                    new { watermark },
                    cancellationToken: ct
                )
            );
        }

        var exceptions = (
            await connection.QueryAsync<(long ClientId, long Above, long Deleted)>(
                new CommandDefinition(
                    """
                    SELECT h.client_id,
                           CAST(SUM(CASE WHEN h.held AND h.personnel_id > COALESCE(w.holds_all_upto, 0) THEN 1 ELSE 0 END) AS SIGNED),
                           CAST(SUM(CASE WHEN NOT h.held AND h.personnel_id <= COALESCE(w.holds_all_upto, 0)
                                     AND EXISTS (SELECT 1 FROM personnel p WHERE p.id = h.personnel_id) THEN 1 ELSE 0 END) AS SIGNED)
                    FROM client_holdings h LEFT JOIN client_watermarks w ON w.client_id = h.client_id
                    WHERE @clientId IS NULL OR h.client_id = @clientId
                    GROUP BY h.client_id
                    """,
                    new { clientId = clients.Count == 1 ? clients[0].Id : (long?)null },
                    cancellationToken: ct
                )
            )
        ).ToDictionary(e => e.ClientId);
        return Tally(
            clients.Select(c =>
            {
                var (_, above, deleted) = exceptions.GetValueOrDefault(c.Id);
                return new ClientRows(c.Id, c.Name, Math.Max(0, under[c.Watermark ?? 0] - deleted + above));
            })
        );
    }

    private static RowsThatGo Tally(IEnumerable<ClientRows> rows)
    {
        var holding = rows.Where(r => r.Rows > 0).ToList();
        return new RowsThatGo(
            holding.Sum(r => r.Rows),
            holding.Count,
            [.. holding.OrderByDescending(r => r.Rows).ThenBy(r => r.ClientId).Take(ListedClients)]
        );
    }

    private sealed record TargetClient(long Id, string Name, long? Watermark);
}
