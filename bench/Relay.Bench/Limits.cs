using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Relay.Testing;

namespace Relay.Bench;

/// <summary>What the storage underneath can do on this machine, as a yardstick for the end-to-end numbers.</summary>
public sealed record Limits(double SqliteRowsPerSecond, double MySqlRowsPerSecond)
{
    private const int Rows = 200_000;
    private const int Batch = 1000;

    public static async Task<Limits> MeasureAsync(MariaDbServer mariadb) =>
        new(await SqliteAsync(), await MySqlAsync(mariadb));

    /// <summary>The client's schema and statement, one transaction per 1,000 rows, WAL mode.</summary>
    private static async Task<double> SqliteAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"relay-bench-{Guid.NewGuid():N}.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync(
                "PRAGMA journal_mode = WAL; CREATE TABLE personnel (id INTEGER PRIMARY KEY, name TEXT NOT NULL, surname TEXT NOT NULL, ssn TEXT NOT NULL);"
            );
            var watch = Stopwatch.StartNew();
            for (var start = 0; start < Rows; start += Batch)
            {
                await using var tx = connection.BeginTransaction();
                await using var upsert = new SqliteCommand(
                    """
                    INSERT INTO personnel (id, name, surname, ssn) VALUES ($id, $name, $surname, $ssn)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, surname = excluded.surname, ssn = excluded.ssn
                    """,
                    connection,
                    tx
                );
                var id = upsert.Parameters.Add("$id", SqliteType.Integer);
                var name = upsert.Parameters.Add("$name", SqliteType.Text);
                var surname = upsert.Parameters.Add("$surname", SqliteType.Text);
                var ssn = upsert.Parameters.Add("$ssn", SqliteType.Text);
                upsert.Prepare();
                for (var i = start; i < start + Batch; i++)
                {
                    (id.Value, name.Value, surname.Value, ssn.Value) = (i + 1, $"Name{i}", $"Surname{i}", $"{i:D11}");
                    await upsert.ExecuteNonQueryAsync();
                }

                await tx.CommitAsync();
            }

            var rate = Rows / watch.Elapsed.TotalSeconds;
            SqliteConnection.ClearAllPools();
            File.Delete(file);
            return rate;
        }
    }

    /// <summary>Multi-row INSERTs of 1,000 personnel each, as the seeding below does.</summary>
    private static async Task<double> MySqlAsync(MariaDbServer mariadb)
    {
        await using var connection = new MySqlConnection(await mariadb.CreateDatabaseAsync("limits"));
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            "CREATE TABLE personnel (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, surname VARCHAR(100) NOT NULL, ssn CHAR(11) NOT NULL, updated_at DATETIME(6) NOT NULL, UNIQUE KEY (ssn)) ENGINE=InnoDB"
        );
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < Rows; start += Batch)
        {
            await Seed.InsertBatchAsync(connection, start, Batch);
        }

        return Rows / watch.Elapsed.TotalSeconds;
    }
}
