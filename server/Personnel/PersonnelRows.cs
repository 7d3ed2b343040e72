using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;

namespace Relay.Server.Personnel;

/// <summary>The server's personnel read as records: one column list, and one keyset page for the listing, the export
/// and "send all".</summary>
internal static class PersonnelRows
{
    public const string Columns = "id AS Id, name AS Name, surname AS Surname, ssn AS Ssn";

    /// <summary>Up to <paramref name="take"/> personnel with ids above <paramref name="after"/>, by id; inside
    /// <paramref name="tx"/>'s snapshot when given.</summary>
    public static async Task<List<PersonnelRecord>> PageAsync(
        MySqlConnection connection,
        MySqlTransaction? tx,
        long after,
        int take,
        CancellationToken ct
    ) =>
        (
            await connection.QueryAsync<PersonnelRecord>(
                new CommandDefinition(
                    $"SELECT {Columns} FROM personnel WHERE id > @after ORDER BY id LIMIT @take",
                    new { after, take },
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();
}
