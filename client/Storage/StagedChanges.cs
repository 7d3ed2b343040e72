using Microsoft.Data.Sqlite;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using static Relay.Client.Storage.Sqlite;

namespace Relay.Client.Storage;

/// <summary>
/// Changes too large for one message arrive in parts: each part is staged, and the last one makes
/// the whole change take effect in one transaction, so a reader never sees half of it. A change
/// with a missing part is refused as a whole and the table stays as it was.
/// </summary>
internal static class StagedChanges
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS replace_staging (
            set_id TEXT NOT NULL,
            id INTEGER NOT NULL,
            name TEXT NOT NULL,
            surname TEXT NOT NULL,
            ssn TEXT NOT NULL,
            valid_from INTEGER NULL,
            valid_until INTEGER NULL,
            PRIMARY KEY (set_id, id)
        );
        CREATE TABLE IF NOT EXISTS staged_deletes (
            set_id TEXT NOT NULL,
            id INTEGER NOT NULL,
            PRIMARY KEY (set_id, id)
        );
        CREATE TABLE IF NOT EXISTS replace_parts (
            set_id TEXT NOT NULL,
            part INTEGER NOT NULL,
            PRIMARY KEY (set_id, part)
        );
        """;

    /// <summary>A replacement: on the last part the table becomes exactly the staged rows.</summary>
    public static Task<string?> ReplaceAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        StagedPart part,
        IReadOnlyList<PersonnelRecord> personnel,
        long messageId,
        CancellationToken ct
    ) =>
        StageAsync(
            connection,
            tx,
            part,
            personnel,
            [],
            messageId,
            wholeTable: true,
            """
            DELETE FROM personnel;
            INSERT INTO personnel (id, name, surname, ssn, valid_from, valid_until)
            SELECT id, name, surname, ssn, valid_from, valid_until FROM replace_staging WHERE set_id = $set;
            """,
            ct
        );

    /// <summary>A patch: on the last part the staged deletions and upserts are applied together.</summary>
    public static Task<string?> PatchAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        StagedPart part,
        IReadOnlyList<PersonnelRecord> upserts,
        IReadOnlyList<long> deletes,
        long messageId,
        CancellationToken ct
    ) =>
        StageAsync(
            connection,
            tx,
            part,
            upserts,
            deletes,
            messageId,
            wholeTable: false,
            """
            DELETE FROM personnel WHERE id IN (SELECT id FROM staged_deletes WHERE set_id = $set);
            INSERT INTO personnel (id, name, surname, ssn, valid_from, valid_until)
            SELECT id, name, surname, ssn, valid_from, valid_until FROM replace_staging WHERE set_id = $set
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, surname = excluded.surname, ssn = excluded.ssn,
                valid_from = excluded.valid_from, valid_until = excluded.valid_until;
            """,
            ct
        );

    /// <summary>Stages one part; on the last, runs <paramref name="finish"/> over the staged set. Returns why it was
    /// refused, or null.</summary>
    private static async Task<string?> StageAsync(
        SqliteConnection connection,
        SqliteTransaction tx,
        StagedPart part,
        IReadOnlyList<PersonnelRecord> upserts,
        IReadOnlyList<long> deletes,
        long messageId,
        bool wholeTable,
        string finish,
        CancellationToken ct
    )
    {
        await WriteRowsAsync(
            connection,
            tx,
            """
            INSERT OR REPLACE INTO replace_staging (set_id, id, name, surname, ssn, valid_from, valid_until)
            VALUES ($set, $id, $name, $surname, $ssn, $from, $until)
            """,
            upserts,
            part.SetId,
            ct
        );
        await WriteIdsAsync(
            connection,
            tx,
            "INSERT OR IGNORE INTO staged_deletes (set_id, id) VALUES ($set, $id)",
            deletes,
            part.SetId,
            ct
        );
        await ExecuteAsync(
            connection,
            tx,
            "INSERT OR IGNORE INTO replace_parts (set_id, part) VALUES ($set, $part)",
            ct,
            ("$set", part.SetId),
            ("$part", part.Part)
        );
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
                return $"staged change {part.SetId} has {staged} of its {part.Parts} parts; the table was left as it was.";
            }
        }

        // A deletion that arrived ahead of this change (a later message) wins over it; a replacement retried after a
        // later one redefined the table (or a delete-all) has nothing left to do.
        await Tombstones.DropFromStagedAsync(connection, tx, part.SetId, messageId, ct);
        if (wholeTable && await Tombstones.ClearedAfterAsync(connection, tx, messageId, ct))
        {
            finish = "";
        }

        // Abandoned sets (a sender that crashed mid-way started again under a new set) go too.
        await ExecuteAsync(
            connection,
            tx,
            $"""
            {finish}
            DELETE FROM replace_staging;
            DELETE FROM staged_deletes;
            DELETE FROM replace_parts;
            """,
            ct,
            ("$set", part.SetId)
        );
        return null;
    }
}
