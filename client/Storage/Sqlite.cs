using Microsoft.Data.Sqlite;
using Relay.Contracts.Personnel;

namespace Relay.Client.Storage;

/// <summary>The few statement shapes the store runs, with parameters bound once and prepared.</summary>
internal static class Sqlite
{
    /// <summary>A personnel row's columns in the order <see cref="ReadPersonnelAsync"/> reads them.</summary>
    public const string PersonnelColumns = "id, name, surname, ssn, valid_from, valid_until";

    /// <summary>The columns a row's validity window adds, for files created before windows: name and type.</summary>
    public static readonly (string Name, string Type)[] WindowColumns =
    [
        ("valid_from", "INTEGER NULL"),
        ("valid_until", "INTEGER NULL"),
    ];

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

    /// <summary>Runs one prepared statement per personnel, binding $id, $name, $surname, $ssn, $from, $until (the
    /// window's ends as Unix seconds, or NULL) and $set when given.</summary>
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
        var from = command.Parameters.Add("$from", SqliteType.Integer);
        var until = command.Parameters.Add("$until", SqliteType.Integer);
        command.Prepare();
        foreach (var p in personnel)
        {
            (id.Value, name.Value, surname.Value, ssn.Value) = (p.Id, p.Name, p.Surname, p.Ssn);
            (from.Value, until.Value) = (UnixSecondsOrNull(p.ValidFrom), UnixSecondsOrNull(p.ValidUntil));
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
            list.Add(ReadPersonnel(reader));
        }

        return list;
    }

    /// <summary>The row the reader is on, its columns as <see cref="PersonnelColumns"/> lists them.</summary>
    public static PersonnelRecord ReadPersonnel(SqliteDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : ValidityWindow.FromUnixSeconds(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : ValidityWindow.FromUnixSeconds(reader.GetInt64(5))
        );

    /// <summary>Adds the columns a file created by an earlier build lacks to <paramref name="table"/>, when the file
    /// has that table.</summary>
    public static async Task AddMissingColumnsAsync(
        SqliteConnection connection,
        string table,
        IEnumerable<(string Name, string Type)> columns,
        CancellationToken ct
    )
    {
        await using (var exists = Command(connection, null, "SELECT COUNT(*) FROM sqlite_master WHERE name = $table"))
        {
            exists.Parameters.AddWithValue("$table", table);
            if ((long)(await exists.ExecuteScalarAsync(ct))! == 0)
            {
                return;
            }
        }

        foreach (var (name, type) in columns)
        {
            await using var has = Command(
                connection,
                null,
                "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column"
            );
            has.Parameters.AddWithValue("$table", table);
            has.Parameters.AddWithValue("$column", name);
            if ((long)(await has.ExecuteScalarAsync(ct))! == 0)
            {
                // Names come from this file's constants: a DDL statement cannot bind them.
                await ExecuteAsync(connection, null, $"ALTER TABLE {table} ADD COLUMN {name} {type}", ct);
            }
        }
    }

    private static object UnixSecondsOrNull(DateTime? value) =>
        value is { } v ? ValidityWindow.ToUnixSeconds(v) : DBNull.Value;

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
