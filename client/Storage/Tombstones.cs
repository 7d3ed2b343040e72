using Microsoft.Data.Sqlite;
using Relay.Contracts.Personnel;
using static Relay.Client.Storage.Sqlite;

namespace Relay.Client.Storage;

/// <summary>
/// A deletion may arrive before saves the server queued earlier: it sends deletions first, so a
/// revocation never waits behind a bulk. Each deleted personnel keeps the id of the message that
/// deleted it, and a save, patch or replacement from an older message leaves that personnel out,
/// so it is never re-created behind the deletion. Everything but a deletion arrives in the
/// server's order: once such a message with a later id is applied, nothing older is on its way,
/// and the tombstones it passed go.
/// </summary>
internal static class Tombstones
{
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

    /// <summary>The personnel of <paramref name="personnel"/> that message <paramref name="messageId"/> may write:
    /// those no later message has deleted. The list itself when there is no such tombstone, as almost always.</summary>
    public static async Task<IReadOnlyList<PersonnelRecord>> StillLiveAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        IReadOnlyList<PersonnelRecord> personnel,
        long messageId,
        CancellationToken ct
    )
    {
        var deleted = await DeletedAfterAsync(connection, tx, messageId, ct);
        return deleted.Count == 0 ? personnel : personnel.Where(p => !deleted.Contains(p.Id)).ToList();
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
            """,
            ct,
            ("$set", setId),
            ("$message", messageId)
        );

    /// <summary>Message <paramref name="messageId"/>, not a deletion, came in the server's order: tombstones older
    /// than it have nothing left to stop.</summary>
    public static Task ForgetOlderAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        long messageId,
        CancellationToken ct
    ) =>
        ExecuteAsync(
            connection,
            tx,
            "DELETE FROM deleted_personnel WHERE message_id < $message",
            ct,
            ("$message", messageId)
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
