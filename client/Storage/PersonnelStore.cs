using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Client.Storage;

internal enum ApplyResult
{
    Applied,
    Duplicate,

    /// <summary>The message cannot take effect (nothing was changed); the reason says why.</summary>
    Refused,
}

internal sealed record ApplyOutcome(ApplyResult Result, string? Reason = null);

/// <summary>
/// The client's SQLite file: the personnel it holds and the ids of the messages it has applied.
/// Both change in one transaction, which is what makes a redelivered message harmless.
/// </summary>
internal sealed class PersonnelStore(IOptions<ClientOptions> options, TimeProvider time)
{
    /// <summary>Version 2: applied messages are known by their uid, not by the server's id.</summary>
    private const int SchemaVersion = 2;

    // One writer at a time; SQLite would serialise writers anyway, this avoids busy waits.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Value.DatabasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private long _appliedSinceStart;

    public string DatabasePath => options.Value.DatabasePath;

    public async Task InitializeAsync(CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(DatabasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", ct);
        await using (var version = Command(connection, null, "PRAGMA user_version"))
        {
            if ((long)(await version.ExecuteScalarAsync(ct))! < SchemaVersion)
            {
                // Before version 2 applied messages were known by id alone, which a reset server
                // database issues again; those records cannot be trusted and are dropped.
                await ExecuteAsync(connection, null, "DROP TABLE IF EXISTS applied_messages", ct);
            }
        }

        await ExecuteAsync(connection, null, $"""
            CREATE TABLE IF NOT EXISTS personnel (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                surname TEXT NOT NULL,
                ssn TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS applied_messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                message_uid TEXT NOT NULL UNIQUE,
                message_id INTEGER NOT NULL,
                applied_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS replace_staging (
                set_id TEXT NOT NULL,
                id INTEGER NOT NULL,
                name TEXT NOT NULL,
                surname TEXT NOT NULL,
                ssn TEXT NOT NULL,
                PRIMARY KEY (set_id, id)
            );
            CREATE TABLE IF NOT EXISTS replace_parts (
                set_id TEXT NOT NULL,
                part INTEGER NOT NULL,
                PRIMARY KEY (set_id, part)
            );
            PRAGMA user_version = {SchemaVersion};
            """, ct);
    }

    /// <summary>
    /// Applies one message and records its uid, all or nothing. A uid seen before changes nothing:
    /// the uid, not the id, because a server whose database was reset issues ids again.
    /// </summary>
    public async Task<ApplyOutcome> ApplyAsync(long messageId, string messageUid, MessageBody body, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);

            await using (var seen = Command(connection, tx, "SELECT 1 FROM applied_messages WHERE message_uid = $uid"))
            {
                seen.Parameters.AddWithValue("$uid", messageUid);
                if (await seen.ExecuteScalarAsync(ct) is not null)
                {
                    return new ApplyOutcome(ApplyResult.Duplicate);
                }
            }

            switch (body.Kind)
            {
                case MessageKind.Save:
                    await SaveAsync(connection, tx, body.Personnel!, ct);
                    break;
                case MessageKind.Update:
                    await WriteRowsAsync(connection, tx, "UPDATE personnel SET name = $name, surname = $surname, ssn = $ssn WHERE id = $id", body.Personnel!, setId: null, ct);
                    break;
                case MessageKind.Delete:
                    await DeleteAsync(connection, tx, body.PersonnelIds!, ct);
                    break;
                case MessageKind.DeleteAll:
                    await ExecuteAsync(connection, tx, "DELETE FROM personnel", ct);
                    break;
                case MessageKind.Replace:
                    if (await ReplaceAsync(connection, tx, body.Replace!, body.Personnel!, ct) is { } refused)
                    {
                        return new ApplyOutcome(ApplyResult.Refused, refused);
                    }

                    break;
            }

            await using (var record = Command(connection, tx, "INSERT INTO applied_messages (message_uid, message_id, applied_at) VALUES ($uid, $id, $at)"))
            {
                record.Parameters.AddWithValue("$uid", messageUid);
                record.Parameters.AddWithValue("$id", messageId);
                record.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O"));
                await record.ExecuteNonQueryAsync(ct);
            }

            if (++_appliedSinceStart % Math.Max(1, options.Value.AppliedIdsKept / 10) == 0)
            {
                await PruneAppliedAsync(connection, tx, options.Value.AppliedIdsKept, ct);
            }

            await tx.CommitAsync(ct);
            return new ApplyOutcome(ApplyResult.Applied);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<IReadOnlyList<PersonnelRecord>> ListAsync(long afterId, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, "SELECT id, name, surname, ssn FROM personnel WHERE id > $after ORDER BY id LIMIT $limit");
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadAsync(command, ct);
    }

    public async Task<PersonnelRecord?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, "SELECT id, name, surname, ssn FROM personnel WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>True when the file can be written: opens a write transaction and rolls it back.</summary>
    public async Task<bool> IsWritableAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, tx, "INSERT INTO applied_messages (message_uid, message_id, applied_at) VALUES ('probe', -1, '') ON CONFLICT DO NOTHING", ct);
        await tx.RollbackAsync(ct);
        return true;
    }

    private static Task SaveAsync(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<PersonnelRecord> personnel, CancellationToken ct) =>
        WriteRowsAsync(connection, tx, """
            INSERT INTO personnel (id, name, surname, ssn) VALUES ($id, $name, $surname, $ssn)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, surname = excluded.surname, ssn = excluded.ssn
            """, personnel, setId: null, ct);

    /// <summary>Runs one prepared statement per personnel, binding $id, $name, $surname, $ssn (and $set when given).</summary>
    private static async Task WriteRowsAsync(SqliteConnection connection, SqliteTransaction tx, string sql, IReadOnlyList<PersonnelRecord> personnel, string? setId, CancellationToken ct)
    {
        await using var command = Command(connection, tx, sql);
        if (setId is not null)
        {
            command.Parameters.AddWithValue("$set", setId);
        }

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

    /// <summary>
    /// Stages one part of a replacement; the last part swaps the table for the staged rows. A
    /// replacement with a missing part is refused as a whole and the table stays as it was.
    /// </summary>
    private static async Task<string?> ReplaceAsync(SqliteConnection connection, SqliteTransaction tx, ReplacePart part, IReadOnlyList<PersonnelRecord> personnel, CancellationToken ct)
    {
        await WriteRowsAsync(connection, tx, """
            INSERT OR REPLACE INTO replace_staging (set_id, id, name, surname, ssn) VALUES ($set, $id, $name, $surname, $ssn)
            """, personnel, part.SetId, ct);

        await using (var record = Command(connection, tx, "INSERT OR IGNORE INTO replace_parts (set_id, part) VALUES ($set, $part)"))
        {
            record.Parameters.AddWithValue("$set", part.SetId);
            record.Parameters.AddWithValue("$part", part.Part);
            await record.ExecuteNonQueryAsync(ct);
        }

        if (!part.IsLast)
        {
            return null;
        }

        await using (var count = Command(connection, tx, "SELECT COUNT(*) FROM replace_parts WHERE set_id = $set"))
        {
            count.Parameters.AddWithValue("$set", part.SetId);
            var staged = (long)(await count.ExecuteScalarAsync(ct))!;
            if (staged != part.Parts)
            {
                return $"replacement {part.SetId} has {staged} of its {part.Parts} parts; the table was left as it was.";
            }
        }

        await using (var swap = Command(connection, tx, """
            DELETE FROM personnel;
            INSERT INTO personnel (id, name, surname, ssn) SELECT id, name, surname, ssn FROM replace_staging WHERE set_id = $set;
            DELETE FROM replace_staging;
            DELETE FROM replace_parts;
            """))
        {
            swap.Parameters.AddWithValue("$set", part.SetId);
            await swap.ExecuteNonQueryAsync(ct);
        }

        return null;
    }

    private static async Task DeleteAsync(SqliteConnection connection, SqliteTransaction tx, IReadOnlyList<long> ids, CancellationToken ct)
    {
        await using var delete = Command(connection, tx, "DELETE FROM personnel WHERE id = $id");
        var id = delete.Parameters.Add("$id", SqliteType.Integer);
        delete.Prepare();
        foreach (var value in ids)
        {
            id.Value = value;
            await delete.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task PruneAppliedAsync(SqliteConnection connection, SqliteTransaction tx, int keep, CancellationToken ct)
    {
        // By order of application, not by id: ids start again after a server database reset.
        await using var prune = Command(connection, tx, """
            DELETE FROM applied_messages WHERE seq <= (SELECT MAX(seq) FROM applied_messages) - $keep
            """);
        prune.Parameters.AddWithValue("$keep", keep);
        await prune.ExecuteNonQueryAsync(ct);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql) =>
        new(sql, connection, tx);

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, tx, sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<PersonnelRecord>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        var list = new List<PersonnelRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new PersonnelRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return list;
    }
}
