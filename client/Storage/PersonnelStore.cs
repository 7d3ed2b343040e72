using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Relay.Client.Settings;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using static Relay.Client.Storage.Sqlite;

namespace Relay.Client.Storage;

internal enum ApplyResult
{
    Applied,
    Duplicate,

    /// <summary>The message cannot take effect (nothing was changed); the reason says why.</summary>
    Refused,
}

internal sealed record ApplyOutcome(ApplyResult Result, string? Reason = null);

/// <summary>A change the client applied: the id the server gave its message, and when.</summary>
internal sealed record AppliedPosition(long MessageId, DateTime AppliedAt);

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

    // What the welcome says and GET / shows; kept in memory, read from the file at start.
    private volatile AppliedPosition? _lastApplied;
    private volatile AppliedPosition? _newestDeletion;

    /// <summary>The last change applied, or a deletion applied ahead of older changes when its id is higher (see <see
    /// cref="LastAppliedAsync"/>); null before any.</summary>
    public AppliedPosition? Position =>
        _newestDeletion is { } deletion && deletion.MessageId > (_lastApplied?.MessageId ?? long.MinValue)
            ? deletion
            : _lastApplied;

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

        // A file of a build before validity windows: its tables gain the columns first (the index below needs them).
        await AddMissingColumnsAsync(connection, "personnel", WindowColumns, ct);
        await AddMissingColumnsAsync(connection, "replace_staging", WindowColumns, ct);
        await ExecuteAsync(
            connection,
            null,
            $"""
            CREATE TABLE IF NOT EXISTS personnel (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                surname TEXT NOT NULL,
                ssn TEXT NOT NULL,
                valid_from INTEGER NULL,
                valid_until INTEGER NULL
            );
            CREATE INDEX IF NOT EXISTS ix_personnel_valid_until ON personnel (valid_until) WHERE valid_until IS NOT NULL;
            CREATE TABLE IF NOT EXISTS applied_messages (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                message_uid TEXT NOT NULL UNIQUE,
                message_id INTEGER NOT NULL,
                applied_at TEXT NOT NULL
            );
            {StagedChanges.Schema}
            {Tombstones.Schema}
            PRAGMA user_version = {SchemaVersion};
            """,
            ct
        );
        _lastApplied = await ReadPositionAsync(
            connection,
            "SELECT message_id, applied_at FROM applied_messages WHERE message_id > 0 ORDER BY seq DESC LIMIT 1",
            ct
        );
        _newestDeletion = await ReadPositionAsync(
            connection,
            "SELECT a.message_id, a.applied_at FROM deleted_personnel d JOIN applied_messages a ON a.message_uid = d.message_uid ORDER BY d.message_id DESC LIMIT 1",
            ct
        );
    }

    private static async Task<AppliedPosition?> ReadPositionAsync(
        SqliteConnection connection,
        string sql,
        CancellationToken ct
    )
    {
        await using var command = Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new AppliedPosition(
                reader.GetInt64(0),
                DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture).UtcDateTime
            )
            : null;
    }

    /// <summary>
    /// Applies one message and records its uid, all or nothing. A uid seen before changes nothing:
    /// the uid, not the id, because a server whose database was reset issues ids again.
    /// </summary>
    public async Task<ApplyOutcome> ApplyAsync(
        long messageId,
        string messageUid,
        MessageBody body,
        CancellationToken ct
    )
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
                    await SaveAsync(
                        connection,
                        tx,
                        await Tombstones.StillLiveAsync(connection, tx, body.Personnel!, messageId, ct),
                        ct
                    );
                    break;
                case MessageKind.Update:
                    await WriteRowsAsync(
                        connection,
                        tx,
                        """
                        UPDATE personnel SET name = $name, surname = $surname, ssn = $ssn, valid_from = $from,
                            valid_until = $until
                        WHERE id = $id
                        """,
                        body.Personnel!,
                        setId: null,
                        ct
                    );
                    break;
                case MessageKind.Delete:
                    await WriteIdsAsync(
                        connection,
                        tx,
                        "DELETE FROM personnel WHERE id = $id",
                        body.PersonnelIds!,
                        setId: null,
                        ct
                    );
                    await Tombstones.RecordAsync(connection, tx, body.PersonnelIds!, messageId, messageUid, ct);
                    break;
                case MessageKind.DeleteAll:
                    await ExecuteAsync(connection, tx, "DELETE FROM personnel", ct);
                    await Tombstones.RecordClearAsync(connection, tx, messageId, messageUid, ct);
                    break;
                case MessageKind.Replace:
                    if (
                        await StagedChanges.ReplaceAsync(connection, tx, body.Part!, body.Personnel!, messageId, ct) is
                        { } refused
                    )
                    {
                        return new ApplyOutcome(ApplyResult.Refused, refused);
                    }

                    if (body.Part!.IsLast)
                    {
                        await Tombstones.RecordClearAsync(connection, tx, messageId, messageUid, ct);
                    }

                    break;
                case MessageKind.Patch:
                    if (
                        await StagedChanges.PatchAsync(
                            connection,
                            tx,
                            body.Part!,
                            body.Personnel ?? [],
                            body.PersonnelIds ?? [],
                            messageId,
                            ct
                        ) is
                        { } unpatched
                    )
                    {
                        return new ApplyOutcome(ApplyResult.Refused, unpatched);
                    }

                    break;
            }

            if (await OverCapacityAsync(connection, tx, body.Kind, ct) is { } full)
            {
                return new ApplyOutcome(ApplyResult.Refused, full);
            }

            var appliedAt = time.GetUtcNow();
            await using (
                var record = Command(
                    connection,
                    tx,
                    "INSERT INTO applied_messages (message_uid, message_id, applied_at) VALUES ($uid, $id, $at)"
                )
            )
            {
                record.Parameters.AddWithValue("$uid", messageUid);
                record.Parameters.AddWithValue("$id", messageId);
                record.Parameters.AddWithValue("$at", appliedAt.ToString("O"));
                await record.ExecuteNonQueryAsync(ct);
            }

            if (++_appliedSinceStart % Math.Max(1, options.Value.AppliedIdsKept / 10) == 0)
            {
                await PruneAppliedAsync(connection, tx, options.Value.AppliedIdsKept, ct);
                await Tombstones.PruneAsync(connection, tx, options.Value.AppliedIdsKept, ct);
            }

            await tx.CommitAsync(ct);
            var applied = new AppliedPosition(messageId, appliedAt.UtcDateTime);
            _lastApplied = applied;
            if (body.Kind is MessageKind.Delete && applied.MessageId > (_newestDeletion?.MessageId ?? long.MinValue))
            {
                _newestDeletion = applied;
            }

            return new ApplyOutcome(ApplyResult.Applied);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Why a message that adds personnel would leave the site holding more than it can, or null: counted
    /// inside the message's transaction, which a refusal rolls back.</summary>
    private async Task<string?> OverCapacityAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        MessageKind kind,
        CancellationToken ct
    )
    {
        if (
            options.Value.MaxPersonnel is not { } most
            || kind is not (MessageKind.Save or MessageKind.Replace or MessageKind.Patch)
        )
        {
            return null;
        }

        await using var count = Command(connection, tx, "SELECT COUNT(*) FROM personnel");
        var held = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return held <= most
            ? null
            : $"This client holds at most {most} personnel (Client:MaxPersonnel); applying the message would make {held}.";
    }

    /// <summary>What the server's digest request asks for: bucket summaries or the listed buckets' row
    /// hashes.</summary>
    public async Task<DigestReplyFrame> DescribeAsync(DigestRequestFrame request, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await PersonnelDigests.DescribeAsync(connection, request, ct);
    }

    /// <summary>A page of the personnel held, by id: those valid at <paramref name="validAt"/>, or all when it is
    /// null.</summary>
    public async Task<IReadOnlyList<PersonnelRecord>> ListAsync(
        long afterId,
        int limit,
        DateTime? validAt,
        CancellationToken ct
    )
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(
            connection,
            null,
            validAt is null
                ? $"SELECT {PersonnelColumns} FROM personnel WHERE id > $after ORDER BY id LIMIT $limit"
                : $"""
                SELECT {PersonnelColumns} FROM personnel
                WHERE id > $after AND (valid_from IS NULL OR valid_from <= $at) AND (valid_until IS NULL OR valid_until > $at)
                ORDER BY id LIMIT $limit
                """
        );
        command.Parameters.AddWithValue("$after", afterId);
        command.Parameters.AddWithValue("$limit", limit);
        if (validAt is { } at)
        {
            command.Parameters.AddWithValue("$at", ValidityWindow.ToUnixSeconds(at));
        }

        return await ReadPersonnelAsync(command, ct);
    }

    public async Task<PersonnelRecord?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, null, $"SELECT {PersonnelColumns} FROM personnel WHERE id = $id");
        command.Parameters.AddWithValue("$id", id);
        return (await ReadPersonnelAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>The server's id and uid of the last message applied, by order of application (ids start again after a
    /// server database reset), or of a deletion that arrived ahead of it; nulls when none was.</summary>
    public async Task<(long? Id, string? Uid)> LastAppliedAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        (long? Id, string? Uid) last = (null, null);
        await using (
            var command = Command(
                connection,
                null,
                "SELECT message_id, message_uid FROM applied_messages ORDER BY seq DESC LIMIT 1"
            )
        )
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                last = (reader.GetInt64(0), reader.GetString(1));
            }
        }

        return await Tombstones.NewestAsync(connection, ct) is { } ahead && ahead.Id > (last.Id ?? long.MinValue)
            ? ahead
            : last;
    }

    /// <summary>Deletes the personnel whose window ended before <paramref name="endedBefore"/>; how many went.
    /// Nothing else changes: the server's digests leave expired rows out, so a purged site stays in sync.</summary>
    public async Task<int> PurgeExpiredAsync(DateTime endedBefore, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var purge = Command(
                connection,
                null,
                "DELETE FROM personnel WHERE valid_until IS NOT NULL AND valid_until < $before"
            );
            purge.Parameters.AddWithValue("$before", ValidityWindow.ToUnixSeconds(endedBefore));
            return await purge.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>True when the file can be written: opens a write transaction and rolls it back.</summary>
    public async Task<bool> IsWritableAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(
            connection,
            tx,
            "INSERT INTO applied_messages (message_uid, message_id, applied_at) VALUES ('probe', -1, '') ON CONFLICT DO NOTHING",
            ct
        );
        await tx.RollbackAsync(ct);
        return true;
    }

    private static Task SaveAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        IReadOnlyList<PersonnelRecord> personnel,
        CancellationToken ct
    ) =>
        WriteRowsAsync(
            connection,
            tx,
            """
            INSERT INTO personnel (id, name, surname, ssn, valid_from, valid_until)
            VALUES ($id, $name, $surname, $ssn, $from, $until)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, surname = excluded.surname, ssn = excluded.ssn,
                valid_from = excluded.valid_from, valid_until = excluded.valid_until
            """,
            personnel,
            setId: null,
            ct
        );

    private static async Task PruneAppliedAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        int keep,
        CancellationToken ct
    )
    {
        // By order of application, not by id: ids start again after a server database reset.
        await using var prune = Command(
            connection,
            tx,
            """
            DELETE FROM applied_messages WHERE seq <= (SELECT MAX(seq) FROM applied_messages) - $keep
            """
        );
        prune.Parameters.AddWithValue("$keep", keep);
        await prune.ExecuteNonQueryAsync(ct);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
