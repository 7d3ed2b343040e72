using Dapper;
using MySqlConnector;

namespace Relay.Server.Import;

/// <summary>
/// The checks a line cannot pass on its own: an SSN or id given twice in the file, and ids that
/// disagree with the register. Rows are matched by SSN; an id, when given, must be that
/// personnel's. Only the server gives ids: an id no personnel has (never issued, or deleted) is
/// refused, so an id can never name a second person and no upload can spend the id space.
/// </summary>
internal static class ImportChecks
{
    // Repeats are found by grouping first: joined line to line, the optimizer may pair every staged row with every
    // other.
    private const string Conflicts = """
        SELECT s.line AS Line, 'ssn' AS Field, 'repeated' AS Problem, d.first AS Other
        FROM (SELECT ssn, MIN(line) AS first FROM personnel_imports WHERE import_id = @import GROUP BY ssn HAVING COUNT(*) > 1) d
        JOIN personnel_imports s ON s.import_id = @import AND s.ssn = d.ssn AND s.line > d.first
        UNION ALL
        SELECT s.line, 'id', 'repeated', d.first
        FROM (SELECT id, MIN(line) AS first FROM personnel_imports WHERE import_id = @import AND id IS NOT NULL GROUP BY id HAVING COUNT(*) > 1) d
        JOIN personnel_imports s ON s.import_id = @import AND s.id = d.id AND s.line > d.first
        UNION ALL
        SELECT s.line, 'id', 'notThisPersonnel', p.id
        FROM personnel_imports s JOIN personnel p ON p.ssn = s.ssn
        WHERE s.import_id = @import AND s.id IS NOT NULL AND p.id <> s.id
        UNION ALL
        SELECT s.line, 'id', 'taken', s.id
        FROM personnel_imports s JOIN personnel p ON p.id = s.id
        WHERE s.import_id = @import AND s.id IS NOT NULL AND p.ssn <> s.ssn
        UNION ALL
        SELECT s.line, 'id', 'unknown', s.id
        FROM personnel_imports s
        WHERE s.import_id = @import AND s.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM personnel p WHERE p.id = s.id)
        """;

    public static async Task<(IReadOnlyList<ImportError> Listed, int Lines)> AgainstRegisterAsync(
        MySqlConnection connection,
        MySqlTransaction tx,
        long importId,
        CancellationToken ct
    )
    {
        var found = (
            await connection.QueryAsync<Conflict>(
                new CommandDefinition(
                    $"SELECT Line, Field, Problem, Other FROM ({Conflicts}) c ORDER BY Line, Field LIMIT {PersonnelImporter.ListedErrors}",
                    new { import = importId },
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();
        if (found.Count == 0)
        {
            return ([], 0);
        }

        var lines = await connection.ExecuteScalarAsync<int>(
            new CommandDefinition(
                $"SELECT COUNT(DISTINCT Line) FROM ({Conflicts}) c",
                new { import = importId },
                tx,
                cancellationToken: ct
            )
        );
        return (found.Select(c => new ImportError(c.Line, c.Field, c.Message)).ToList(), lines);
    }

    private sealed record Conflict(int Line, string Field, string Problem, long Other)
    {
        public string Message =>
            (Field, Problem) switch
            {
                ("ssn", _) => $"The same SSN is on line {Other}; each personnel appears once.",
                (_, "repeated") => $"The same id is on line {Other}; each personnel appears once.",
                (_, "notThisPersonnel") => $"This SSN belongs to personnel {Other}; leave id empty, or give that id.",
                (_, "unknown") =>
                    $"No personnel has id {Other}: ids are given by the server and never reused; leave id empty to add this one.",
                _ =>
                    $"Id {Other} belongs to a personnel with another SSN; leave id empty to add this one with a new id.",
            };
    }
}
