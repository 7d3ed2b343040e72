using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;

namespace Relay.Server.Import;

/// <summary>What an import did. Rows are matched to the register by SSN.</summary>
/// <param name="Rows">Valid lines read.</param>
/// <param name="Inserted">New personnel (an SSN the register did not have).</param>
/// <param name="Updated">Personnel whose name or surname changed.</param>
/// <param name="Unchanged">Personnel already exactly so.</param>
/// <param name="OperationId">The operation that updates the clients holding the changed personnel, or null when none
/// was needed.</param>
public sealed record ImportReport(int Rows, int Inserted, int Updated, int Unchanged, long? OperationId);

/// <summary>Either a report, or why nothing changed.</summary>
internal sealed record ImportOutcome(
    ImportReport? Report,
    IReadOnlyList<ImportError> Errors,
    int InvalidLines,
    bool TooManyRows = false
);

/// <summary>
/// Imports personnel all or nothing: every line is read and checked (staged as it goes, so the
/// upload is never held in memory), then the checks that need the register run, and only if no
/// line failed is the register changed, in one transaction. Changed personnel are sent to the
/// clients that hold them, as an edit through the API would be; new ones go to no client until an
/// operation sends them.
/// </summary>
internal sealed class PersonnelImporter(
    MySqlDataSource db,
    OutboxWriter outbox,
    TimeProvider time,
    IOptions<OutboxOptions> options
)
{
    public const int MaxRows = 1_000_000;
    public const int ListedErrors = 100;

    /// <summary>A staged row <c>s</c> that changes its register row <c>p</c>: a name or the window (<c>&lt;=&gt;</c>
    /// compares NULLs as equal).</summary>
    private const string Changed =
        "p.name <> s.name OR p.surname <> s.surname OR NOT (p.valid_from <=> s.valid_from) "
        + "OR NOT (p.valid_until <=> s.valid_until)";

    public async Task<ImportOutcome> ImportAsync(
        IAsyncEnumerable<ImportLine> lines,
        bool propagate,
        Action<Func<Task>> afterAnswer,
        CancellationToken ct
    )
    {
        var staging = new ImportStaging(db, time);
        afterAnswer(async () => await staging.DisposeAsync());
        var errors = new List<ImportError>();
        var invalid = 0;
        var rows = 0;
        await foreach (var line in lines.WithCancellation(ct))
        {
            if (++rows > MaxRows)
            {
                return new ImportOutcome(null, [], 0, TooManyRows: true);
            }

            var row = ImportRules.Check(line, errors);
            if (row is null)
            {
                invalid++;
                if (errors.Count > ListedErrors)
                {
                    errors.RemoveRange(ListedErrors, errors.Count - ListedErrors);
                }
            }
            else if (invalid == 0)
            {
                await staging.AddAsync(row, ct);
            }
        }

        if (invalid > 0)
        {
            return new ImportOutcome(null, errors, invalid);
        }

        await staging.FlushAsync(ct);
        return await outbox.WriteAsync(
            OutboxTargets.All,
            unit => MergeAsync(unit, staging.ImportId, rows, propagate),
            ct
        );
    }

    /// <summary>
    /// Merges the staged rows into the register, after sending the changed personnel to every
    /// client (while the rows that change can still be told apart from the rest).
    /// </summary>
    private async Task<ImportOutcome> MergeAsync(OutboxTransaction unit, long importId, int rows, bool propagate)
    {
        var (connection, tx, ct) = (unit.Connection, unit.Transaction, unit.CancellationToken);
        var args = new { import = importId, now = time.GetUtcNow().UtcDateTime };
        var staged = await connection.ExecuteScalarAsync<int>(
            new CommandDefinition(
                "SELECT COUNT(*) FROM personnel_imports WHERE import_id = @import",
                args,
                tx,
                cancellationToken: ct
            )
        );
        if (staged != rows)
        {
            throw new InvalidOperationException(
                $"Import {importId} staged {rows} rows but {staged} are left; it was swept while it ran."
            );
        }

        var (conflicts, conflicting) = await ImportChecks.AgainstRegisterAsync(connection, tx, importId, ct);
        if (conflicting > 0)
        {
            unit.Discard();
            return new ImportOutcome(null, conflicts, conflicting);
        }

        long? operationId = null;
        if (propagate && unit.ClientIds.Count > 0)
        {
            await foreach (var page in ChangedPagesAsync(connection, tx, importId, ct))
            {
                operationId ??= (await unit.StartOperationAsync(OperationKinds.Import, personnelId: null)).Id;
                await unit.QueueAsync(new MessageBody(MessageKind.Update, Personnel: page), operationId.Value);
            }
        }

        // Counted as matched rows (the connector's default), which the WHERE makes the changed ones.
        var updated = await connection.ExecuteAsync(
            new CommandDefinition(
                $"""
                UPDATE personnel p JOIN personnel_imports s ON s.import_id = @import AND s.ssn = p.ssn
                SET p.name = s.name, p.surname = s.surname, p.valid_from = s.valid_from, p.valid_until = s.valid_until,
                    p.updated_at = @now
                WHERE {Changed}
                """,
                args,
                tx,
                cancellationToken: ct
            )
        );
        var inserted = await connection.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO personnel (name, surname, ssn, valid_from, valid_until, updated_at)
                SELECT s.name, s.surname, s.ssn, s.valid_from, s.valid_until, @now FROM personnel_imports s
                WHERE s.import_id = @import AND NOT EXISTS (SELECT 1 FROM personnel p WHERE p.ssn = s.ssn)
                ORDER BY s.line
                """,
                args,
                tx,
                cancellationToken: ct
            )
        );

        return new ImportOutcome(
            new ImportReport(rows, inserted, updated, rows - inserted - updated, operationId),
            [],
            0
        );
    }

    /// <summary>The personnel the import changes, with their new data, in pages of a batch; walked by line, the staged
    /// rows' own order.</summary>
    private async IAsyncEnumerable<IReadOnlyList<PersonnelRecord>> ChangedPagesAsync(
        MySqlConnection connection,
        MySqlTransaction tx,
        long importId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct
    )
    {
        var after = 0;
        while (true)
        {
            var page = (
                await connection.QueryAsync<ChangedRow>(
                    new CommandDefinition(
                        $"""
                        SELECT s.line AS Line, p.id AS Id, s.name AS Name, s.surname AS Surname, s.ssn AS Ssn,
                            s.valid_from AS ValidFrom, s.valid_until AS ValidUntil
                        FROM personnel_imports s JOIN personnel p ON p.ssn = s.ssn
                        WHERE s.import_id = @import AND s.line > @after AND ({Changed})
                        ORDER BY s.line LIMIT @take
                        """,
                        new
                        {
                            import = importId,
                            after,
                            take = options.Value.BatchSize,
                        },
                        tx,
                        cancellationToken: ct
                    )
                )
            ).AsList();
            if (page.Count == 0)
            {
                yield break;
            }

            yield return
            [
                .. page.Select(r => new PersonnelRecord(r.Id, r.Name, r.Surname, r.Ssn, r.ValidFrom, r.ValidUntil)),
            ];
            after = page[^1].Line;
        }
    }

    private sealed record ChangedRow(
        int Line,
        long Id,
        string Name,
        string Surname,
        string Ssn,
        DateTime? ValidFrom,
        DateTime? ValidUntil
    );
}
