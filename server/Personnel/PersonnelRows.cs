using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;

namespace Relay.Server.Personnel;

/// <summary>The server's personnel read as records: one column list, and one keyset page for the listing, the export
/// and "send all".</summary>
internal static class PersonnelRows
{
    public const string Columns =
        "id AS Id, name AS Name, surname AS Surname, ssn AS Ssn, valid_from AS ValidFrom, valid_until AS ValidUntil";

    /// <summary><see cref="Columns"/> of the table aliased <c>p</c>, for joins.</summary>
    public const string ColumnsOfP =
        "p.id AS Id, p.name AS Name, p.surname AS Surname, p.ssn AS Ssn, p.valid_from AS ValidFrom, "
        + "p.valid_until AS ValidUntil";

    /// <summary>Up to <paramref name="take"/> personnel with ids above <paramref name="after"/>, by id; inside
    /// <paramref name="tx"/>'s snapshot when given; only those meeting <paramref name="condition"/> (a <see
    /// cref="ValidityFilter.Condition"/> binding @validAt) when given.</summary>
    public static async Task<List<PersonnelRecord>> PageAsync(
        MySqlConnection connection,
        MySqlTransaction? tx,
        long after,
        int take,
        CancellationToken ct,
        string? condition = null,
        DateTime? validAt = null
    ) =>
        (
            await connection.QueryAsync<PersonnelRecord>(
                new CommandDefinition(
                    $"SELECT {Columns} FROM personnel WHERE id > @after{(condition is null ? "" : $" AND {condition}")} "
                        + "ORDER BY id LIMIT @take",
                    new
                    {
                        after,
                        take,
                        validAt,
                    },
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();
}
