using Dapper;
using MySqlConnector;

namespace Relay.Server.Database;

/// <summary>
/// Whose turn it is to migrate the schema: a row taken with a conditional <c>UPDATE</c>, which a
/// Galera or Group Replication cluster certifies (two instances that take it at once through
/// different nodes cannot both commit), where <c>GET_LOCK</c> would lock one node only. The turn
/// expires if its holder dies, and is kept alive step by step while it migrates.
/// </summary>
internal sealed class SchemaLock : IAsyncDisposable
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly MySqlConnection _connection;
    private readonly string _owner = Guid.NewGuid().ToString("N");

    private SchemaLock(MySqlConnection connection) => _connection = connection;

    /// <summary>Waits for the turn (as long as another instance keeps its own alive), and takes it.</summary>
    public static async Task<SchemaLock> TakeAsync(MySqlConnection connection, TimeProvider time, CancellationToken ct)
    {
        await connection.ExecuteAsync(
            new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_lock (
                    id INT NOT NULL PRIMARY KEY,
                    owner CHAR(32) NULL,
                    expires_at DATETIME(6) NULL
                ) ENGINE=InnoDB
                """,
                cancellationToken: ct
            )
        );
        await connection.ExecuteAsync(
            new CommandDefinition("INSERT IGNORE INTO schema_lock (id) VALUES (1)", cancellationToken: ct)
        );

        var turn = new SchemaLock(connection);
        while (!await turn.TryTakeAsync(ct))
        {
            await Task.Delay(Poll, time, ct);
        }

        return turn;
    }

    /// <summary>Moves the expiry on: a long migration step does not lose its turn to another instance.</summary>
    public async Task KeepAsync(CancellationToken ct)
    {
        if (!await TryTakeAsync(ct))
        {
            throw new InvalidOperationException(
                "Another server instance took over the schema migration after this one's turn expired."
            );
        }
    }

    private async Task<bool> TryTakeAsync(CancellationToken ct) =>
        await _connection.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE schema_lock SET owner = @owner, expires_at = UTC_TIMESTAMP(6) + INTERVAL @expiry SECOND
                WHERE id = 1 AND (owner IS NULL OR owner = @owner OR expires_at < UTC_TIMESTAMP(6))
                """,
                new { owner = _owner, expiry = (int)Expiry.TotalSeconds },
                cancellationToken: ct
            )
        ) == 1;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE schema_lock SET owner = NULL, expires_at = NULL WHERE id = 1 AND owner = @owner",
                    new { owner = _owner }
                )
            );
        }
        catch (Exception e) when (MySqlFaults.IsUnavailable(e))
        {
            // The turn expires on its own.
        }
    }
}
