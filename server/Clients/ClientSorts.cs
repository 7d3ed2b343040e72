using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Relay.Server.Outbox;

namespace Relay.Server.Clients;

/// <summary>
/// The orders the fleet can be listed in, each worst first where that has a meaning, and the
/// opaque cursor that continues one: a page of 10,000 clients sorted by how far behind they are
/// is read by key and id, never by skipping rows.
/// </summary>
internal static class ClientSorts
{
    public const string Id = "id";
    public const string Name = "name";
    public const string MostPending = "mostPending";
    public const string OldestPending = "oldestPending";
    public const string MostFailed = "mostFailed";
    public const string LongestSilent = "longestSilent";

    public const string Text = """
        The order: `id` (the default), `name`, `mostPending` (most messages waiting first), `oldestPending`
        (the longest-waiting message first; clients with none last), `mostFailed` (most refused messages first)
        or `longestSilent` (longest without contact first; never contacted first of all). Ties go by id.
        """;

    public const string AfterText =
        "Continue a sorted list: the `nextAfter` of the page before, with the same `sort`. Omit it for the first page.";

    /// <summary>The sort key of client <c>c</c> (ascending), in SQL.</summary>
    public static string KeySql(string sort) =>
        sort switch
        {
            Name => "c.name",
            MostPending => $"-{ClientQueue.PendingCount}",
            OldestPending => $"COALESCE({ClientQueue.OldestPendingAt}, CAST('9999-12-31' AS DATETIME(6)))",
            MostFailed => $"-{FailedCount}",
            LongestSilent => "COALESCE(c.last_contact_at, CAST('1000-01-01' AS DATETIME(6)))",
            _ => "c.id",
        };

    /// <summary>True when the key is counted from the outbox, not read from the client's row: worth computing once per
    /// client.</summary>
    public static bool IsCounted(string sort) => sort is MostPending or OldestPending or MostFailed;

    /// <summary>Client <c>c</c>'s messages refused for good.</summary>
    public const string FailedCount =
        $"(SELECT COUNT(*) FROM messages m WHERE m.client_id = c.id AND m.state = '{MessageStates.Failed}')";

    /// <summary>The cursor that continues after <paramref name="last"/> in <paramref name="sort"/> order.</summary>
    public static string CursorAfter(string sort, ClientResponse last)
    {
        var key = sort switch
        {
            Name => last.Name,
            MostPending => (-last.PendingMessages).ToString(CultureInfo.InvariantCulture),
            OldestPending => (last.OldestPendingAt ?? DateTime.MaxValue).Ticks.ToString(CultureInfo.InvariantCulture),
            MostFailed => (-last.FailedMessages).ToString(CultureInfo.InvariantCulture),
            LongestSilent => (last.LastContactAt ?? DateTime.MinValue).Ticks.ToString(CultureInfo.InvariantCulture),
            _ => last.Id.ToString(CultureInfo.InvariantCulture),
        };
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{sort}\n{last.Id}\n{key}"));
    }

    /// <summary>The key and id a cursor continues after, as SQL parameters; false when it is not a cursor of this
    /// sort.</summary>
    public static bool TryReadCursor(string sort, string cursor, out object key, out long id)
    {
        key = 0L;
        id = 0;
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n', 3);
        }
        catch (FormatException)
        {
            return false;
        }

        if (
            parts.Length != 3
            || parts[0] != sort
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out id)
            || id <= 0
        )
        {
            return false;
        }

        switch (sort)
        {
            case Name:
                key = parts[2];
                return true;
            case OldestPending or LongestSilent:
                if (
                    !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    || ticks > DateTime.MaxValue.Ticks
                )
                {
                    return false;
                }

                // The far ends stand for "none": compared as the SQL key's own far ends.
                key =
                    ticks == DateTime.MaxValue.Ticks ? new DateTime(9999, 12, 31)
                    : ticks == DateTime.MinValue.Ticks ? new DateTime(1000, 1, 1)
                    : new DateTime(ticks, DateTimeKind.Utc);
                return true;
            default:
                if (
                    !long.TryParse(
                        parts[2],
                        NumberStyles.AllowLeadingSign,
                        CultureInfo.InvariantCulture,
                        out var number
                    )
                )
                {
                    return false;
                }

                key = number;
                return true;
        }
    }
}
