using System.Text;
using Dapper;
using MySqlConnector;
using Relay.Server.Database;

namespace Relay.Server.Import;

/// <summary>
/// Checked rows wait in <c>personnel_imports</c>, under their import's id (a row in <c>imports</c>),
/// until the whole upload has been read: only then is it known that every line is valid, and the
/// merge into <c>personnel</c> is one short transaction instead of one held open while a slow
/// client uploads. A permanent table, not a temporary one: MySQL cannot refer to a temporary table
/// twice in one statement, which the duplicate checks need. Rows go in with multi-row INSERTs, one
/// in flight while the next is read.
/// </summary>
internal sealed class ImportStaging(MySqlDataSource db, TimeProvider time) : IAsyncDisposable
{
    private const int RowsPerStatement = 2000;
    private List<ImportRow> pending = new(RowsPerStatement);
    private MySqlConnection? connection;
    private Task inFlight = Task.CompletedTask;

    /// <summary>The import's id; 0 until its first row is staged.</summary>
    public long ImportId { get; private set; }

    public async Task AddAsync(ImportRow row, CancellationToken ct)
    {
        pending.Add(row);
        if (pending.Count == RowsPerStatement)
        {
            await SendAsync(ct);
        }
    }

    /// <summary>Stages what is left and waits until every row is in.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await SendAsync(ct);
        await inFlight;
    }

    private async Task SendAsync(CancellationToken ct)
    {
        await inFlight;
        if (pending.Count == 0)
        {
            return;
        }

        if (connection is null)
        {
            connection = await db.OpenConnectionAsync(ct);
            ImportId = await connection.InsertAndGetIdAsync(
                "INSERT INTO imports (started_at) VALUES (@now)",
                new { now = time.GetUtcNow().UtcDateTime },
                null,
                ct
            );
        }

        var insert = new MySqlCommand { Connection = connection };
        insert.Parameters.AddWithValue("@import", ImportId);
        var values = new StringBuilder(
            "INSERT INTO personnel_imports (import_id, line, id, name, surname, ssn, valid_from, valid_until) VALUES ",
            pending.Count * 48
        );
        for (var i = 0; i < pending.Count; i++)
        {
            var row = pending[i];
            values
                .Append(i == 0 ? "(" : ",(")
                .Append("@import,@l")
                .Append(i)
                .Append(",@i")
                .Append(i)
                .Append(",@n")
                .Append(i)
                .Append(",@s")
                .Append(i)
                .Append(",@x")
                .Append(i)
                .Append(",@f")
                .Append(i)
                .Append(",@u")
                .Append(i)
                .Append(')');
            insert.Parameters.AddWithValue($"@l{i}", row.Line);
            insert.Parameters.AddWithValue($"@i{i}", row.Id);
            insert.Parameters.AddWithValue($"@n{i}", row.Name);
            insert.Parameters.AddWithValue($"@s{i}", row.Surname);
            insert.Parameters.AddWithValue($"@x{i}", row.Ssn);
            insert.Parameters.AddWithValue($"@f{i}", row.ValidFrom);
            insert.Parameters.AddWithValue($"@u{i}", row.ValidUntil);
        }

        insert.CommandText = values.ToString();
        pending = new List<ImportRow>(RowsPerStatement);
        inFlight = ExecuteAsync(insert, ct);
    }

    private static async Task ExecuteAsync(MySqlCommand insert, CancellationToken ct)
    {
        await using (insert)
        {
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Removes the staged rows, in slices so a large import never holds long locks; run after the answer has
    /// gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (connection is null)
        {
            return;
        }

        await using (connection)
        {
            try
            {
                await inFlight;
            }
            catch (Exception) when (inFlight.IsFaulted || inFlight.IsCanceled)
            {
                // The import failed on it already; what was staged still goes.
            }

            await DiscardAsync(connection, ImportId, CancellationToken.None);
        }
    }

    /// <summary>Staged rows of imports that never finished (the server stopped while one ran), oldest first.</summary>
    public static async Task SweepAbandonedAsync(MySqlConnection connection, DateTime before, CancellationToken ct)
    {
        foreach (
            var id in await connection.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT id FROM imports WHERE started_at < @before ORDER BY id LIMIT 100",
                    new { before },
                    cancellationToken: ct
                )
            )
        )
        {
            await DiscardAsync(connection, id, ct);
        }
    }

    private static async Task DiscardAsync(MySqlConnection connection, long importId, CancellationToken ct)
    {
        while (
            await connection.ExecuteAsync(
                new CommandDefinition(
                    "DELETE FROM personnel_imports WHERE import_id = @importId LIMIT 50000",
                    new { importId },
                    cancellationToken: ct
                )
            ) == 50000
        ) { }

        await connection.ExecuteAsync(
            new CommandDefinition("DELETE FROM imports WHERE id = @importId", new { importId }, cancellationToken: ct)
        );
    }
}
