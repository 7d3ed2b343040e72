using Dapper;
using MySqlConnector;

namespace Relay.Server.Database;

/// <summary>
/// An <c>INSERT</c> and then the id it was given, as two commands of one statement each: Galera
/// may abort and replay a transaction, and a multi-statement command replayed that way has been
/// seen to pair rows with the wrong <c>LAST_INSERT_ID()</c>.
/// </summary>
internal static class Inserts
{
    public static async Task<long> InsertAndGetIdAsync(
        this MySqlConnection connection,
        string sql,
        object args,
        MySqlTransaction? tx,
        CancellationToken ct
    )
    {
        await connection.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT LAST_INSERT_ID()", transaction: tx, cancellationToken: ct)
        );
    }
}

/// <summary>
/// Several statements, one command each (a multi-statement command inside a transaction is what
/// Galera has been seen to replay wrongly), with the same parameters; returns the rows each changed.
/// </summary>
internal static class Statements
{
    public static async Task<int[]> ExecuteEachAsync(
        this MySqlConnection connection,
        object? args,
        MySqlTransaction? tx,
        CancellationToken ct,
        params string[] sql
    )
    {
        var changed = new int[sql.Length];
        for (var i = 0; i < sql.Length; i++)
        {
            changed[i] = await connection.ExecuteAsync(new CommandDefinition(sql[i], args, tx, cancellationToken: ct));
        }

        return changed;
    }
}
