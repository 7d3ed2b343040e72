using Microsoft.Data.Sqlite;
using Relay.Contracts.Personnel;

namespace Relay.Client.Storage;

/// <summary>The few statement shapes the store runs, with parameters bound once and prepared.</summary>
internal static class Sqlite
{
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql) =>
        new(sql, connection, tx);

    public static async Task ExecuteAsync(
        SqliteConnection connection,
        SqliteTransaction? tx,
        string sql,
        CancellationToken ct,
        params (string Name, object Value)[] parameters
    )
    {
        await using var command = Command(connection, tx, sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs one prepared statement per personnel, binding $id, $name, $surname, $ssn (and $set when
    /// given).</summary>
    public static async Task WriteRowsAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        string sql,
        IReadOnlyList<PersonnelRecord> personnel,
        string? setId,
        CancellationToken ct
    )
    {
        await using var command = CommandInSet(connection, tx, sql, setId);
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var name = command.Parameters.Add("$name", SqliteType.Text);
        var surname = command.Parameters.Add("$surname", SqliteType.Text);
        var ssn = command.Parameters.Add("$ssn", SqliteType.Text);
        command.Prepare();
        foreach (var p in personnel)
        {
            (id.Value, name.Value, surname.Value, ssn.Value) = (p.Id, p.Name, p.Surname, p.Ssn);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Runs one prepared statement per id, binding $id (and $set when given, and <paramref name="same"/> for
    /// every id).</summary>
    public static async Task WriteIdsAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        string sql,
        IReadOnlyList<long> ids,
        string? setId,
        CancellationToken ct,
        params (string Name, object Value)[] same
    )
    {
        await using var command = CommandInSet(connection, tx, sql, setId);
        foreach (var (name, value) in same)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var id = command.Parameters.Add("$id", SqliteType.Integer);
        command.Prepare();
        foreach (var value in ids)
        {
            id.Value = value;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public static async Task<IReadOnlyList<PersonnelRecord>> ReadPersonnelAsync(
        SqliteCommand command,
        CancellationToken ct
    )
    {
        var list = new List<PersonnelRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(
                new PersonnelRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3))
            );
        }

        return list;
    }

    /// <summary>A command for a statement that may bind the staged set it writes to ($set).</summary>
    private static SqliteCommand CommandInSet(
        SqliteConnection connection,
        SqliteTransaction tx,
        string sql,
        string? setId
    )
    {
        var command = Command(connection, tx, sql);
        if (setId is not null)
        {
            command.Parameters.AddWithValue("$set", setId);
        }

        return command;
    }
}
