using System.Text.Json;
using Dapper;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Integration;

/// <summary>A row of the outbox as MySQL holds it, with its payload read back; a broadcast has no client and the
/// highest client id it is for.</summary>
public sealed record OutboxRow(
    long Id,
    long? ClientId,
    string Kind,
    string State,
    MessageBody Body,
    long? AudienceUpto = null
);

public static class Outbox
{
    public static async Task<List<OutboxRow>> RowsAsync(this ServerApp app)
    {
        await using var connection = await app.OpenDatabaseAsync();
        var rows = await connection.QueryAsync<(
            long Id,
            long? ClientId,
            string Kind,
            string State,
            string Payload,
            long? AudienceUpto
        )>(
            "SELECT m.id, m.client_id, m.kind, m.state, COALESCE(m.payload, b.payload), m.audience_upto FROM messages m LEFT JOIN batches b ON b.id = m.batch_id ORDER BY m.id"
        );
        return rows.Select(r => new OutboxRow(
                r.Id,
                r.ClientId,
                r.Kind,
                r.State,
                JsonSerializer.Deserialize(r.Payload, RelayJsonContext.Default.MessageBody)!,
                r.AudienceUpto
            ))
            .ToList();
    }
}
