using Microsoft.Data.Sqlite;
using Relay.Contracts.Personnel;
using static Relay.Client.Storage.Sqlite;

namespace Relay.Client.Storage;

/// <summary>
/// A deletion may arrive before saves the server queued earlier: it sends deletions first, so a
/// revocation never waits behind a bulk. Each deleted personnel keeps the id of the message that
/// deleted it, and a save, patch or replacement from an older message leaves that personnel out,
/// so it is never re-created behind the deletion. Tombstones outlive the messages that passed
/// them: a message the client refused can be retried long after, in its old place (its id), and
/// must not bring back someone deleted since. The newest <c>Client:AppliedIdsKept</c> are kept.
/// </summary>
internal static class Tombstones
{
    /// <summary>The tombstone of every personnel: a delete-all or a replacement with its message id redefined the
    /// table, so nothing older may write a row (ids of personnel are positive).</summary>
    private const long Everyone = 0;

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS deleted_personnel (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL,
            message_uid TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_deleted_personnel_message ON deleted_personnel (message_id);
        """;

    /// <summary>Remembers that message <paramref name="messageId"/> deleted these personnel.</summary>
    public static Task RecordAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        IReadOnlyList<long> ids,
        long messageId,
        string messageUid,
        CancellationToken ct
    ) =>
        WriteIdsAsync(
            connection,
            tx,
            """
            INSERT INTO deleted_personnel (id, message_id, message_uid) VALUES ($id, $message, $uid)
            ON CONFLICT (id) DO UPDATE SET message_id = excluded.message_id, message_uid = excluded.message_uid
            WHERE excluded.message_id > deleted_personnel.message_id
            """,
            ids,
            setId: null,
            ct,
            ("$message", messageId),
            ("$uid", messageUid)
        );

    /// <summary>Remembers that message <paramref name="messageId"/> (a delete-all, or the last part of a
    /// replacement) redefined the whole table.</summary>
    public static Task RecordClearAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        long messageId,
        string messageUid,
        CancellationToken ct
    ) => RecordAsync(connection, tx, [Everyone], messageId, messageUid, ct);

    /// <summary>True when a message later than <paramref name="messageId"/> redefined the whole table.</summary>
    public static async Task<bool> ClearedAfterAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        long messageId,
        CancellationToken ct
    ) => (await DeletedAfterAsync(connection, tx, messageId, ct)).Contains(Everyone);

    /// <summary>The personnel of <paramref name="personnel"/> that message <paramref name="messageId"/> may write:
    /// those no later message has deleted (none when a later one redefined the table). The list itself when there is
    /// no such tombstone, as almost always.</summary>
    public static async Task<IReadOnlyList<PersonnelRecord>> StillLiveAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        IReadOnlyList<PersonnelRecord> personnel,
        long messageId,
        CancellationToken ct
    )
    {
        var deleted = await DeletedAfterAsync(connection, tx, messageId, ct);
        return deleted.Count == 0 ? personnel
            : deleted.Contains(Everyone) ? []
            : personnel.Where(p => !deleted.Contains(p.Id)).ToList();
    }

    /// <summary>Takes the personnel a later message deleted out of a staged set about to take effect.</summary>
    public static Task DropFromStagedAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        string setId,
        long messageId,
        CancellationToken ct
    ) =>
        ExecuteAsync(
            connection,
            tx,
            """
            DELETE FROM replace_staging
            WHERE set_id = $set AND id IN (SELECT id FROM deleted_personnel WHERE message_id > $message)
               OR set_id = $set AND EXISTS (SELECT 1 FROM deleted_personnel WHERE id = 0 AND message_id > $message)
            """,
            ct,
            ("$set", setId),
            ("$message", messageId)
        );

    /// <summary>Keeps the newest <paramref name="keep"/> tombstones, by the id of the deleting message, so the table
    /// stays bounded.</summary>
    public static Task PruneAsync(SqliteConnection connection, SqliteTransaction tx, int keep, CancellationToken ct) =>
        ExecuteAsync(
            connection,
            tx,
            """
            DELETE FROM deleted_personnel
            WHERE message_id < (SELECT message_id FROM deleted_personnel ORDER BY message_id DESC LIMIT 1 OFFSET $keep)
            """,
            ct,
            ("$keep", keep)
        );

    /// <summary>The newest deletion still kept, or null: it may have been applied before older messages, and a server
    /// asking what this client holds must hear of it.</summary>
    public static async Task<(long Id, string Uid)?> NewestAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = Command(
            connection,
            null,
            "SELECT message_id, message_uid FROM deleted_personnel ORDER BY message_id DESC LIMIT 1"
        );
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    private static async Task<HashSet<long>> DeletedAfterAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        long messageId,
        CancellationToken ct
    )
    {
        await using var command = Command(
            connection,
            tx,
            "SELECT id FROM deleted_personnel WHERE message_id > $message"
        );
        command.Parameters.AddWithValue("$message", messageId);
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
