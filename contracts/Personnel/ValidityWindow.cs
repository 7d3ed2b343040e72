namespace Relay.Contracts.Personnel;

/// <summary>
/// When a personnel may enter: from <c>validFrom</c> (inclusive) until <c>validUntil</c> (exclusive), UTC, either
/// end open when absent. Whole seconds on both sides: MySQL, SQLite and the row hash must agree on the value exactly.
/// </summary>
public static class ValidityWindow
{
    /// <summary>The earliest end a window may have: the Unix epoch (MySQL's DATETIME and the hash both
    /// hold it).</summary>
    public static readonly DateTime Earliest = DateTime.UnixEpoch;

    /// <summary>The latest: the last second of year 9999.</summary>
    public static readonly DateTime Latest = new(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc);

    /// <summary>The value as stored and compared: UTC (a value without a kind is taken as UTC), whole
    /// seconds.</summary>
    public static DateTime? Normalize(DateTime? value) =>
        value is not { } v
            ? null
            : new DateTime(
                (v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : v).Ticks
                    / TimeSpan.TicksPerSecond
                    * TimeSpan.TicksPerSecond,
                DateTimeKind.Utc
            );

    /// <summary>True when the window holds <paramref name="at"/>.</summary>
    public static bool Holds(DateTime? from, DateTime? until, DateTime at) =>
        (from is null || from <= at) && (until is null || at < until);

    /// <summary>Why the two ends make no window, naming the end at fault (<c>validFrom</c> or <c>validUntil</c>), or
    /// null.</summary>
    public static WindowProblem? Problem(DateTime? from, DateTime? until)
    {
        foreach (var (name, end) in (ReadOnlySpan<(string, DateTime?)>)[("validFrom", from), ("validUntil", until)])
        {
            if (Normalize(end) is { } e && (e < Earliest || e > Latest))
            {
                return new(name, $"{name} must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z.");
            }
        }

        return from is { } f && until is { } u && Normalize(u) <= Normalize(f)
            ? new("validUntil", "validUntil must be later than validFrom (a whole second at least).")
            : null;
    }

    /// <summary>An end as every answer and file writes it: ISO 8601 in UTC, whole seconds, <c>Z</c>.</summary>
    public static string Format(DateTime end) =>
        Normalize(end)!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Seconds since the Unix epoch: how a client's SQLite file and the row hash keep an end.</summary>
    public static long ToUnixSeconds(DateTime value) => new DateTimeOffset(Normalize(value)!.Value).ToUnixTimeSeconds();

    /// <summary>The UTC time of <paramref name="seconds"/> since the Unix epoch.</summary>
    public static DateTime FromUnixSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
}

/// <summary>Why two ends make no window.</summary>
/// <param name="Field">The end at fault, as the API and import name it: <c>validFrom</c> or <c>validUntil</c>.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record WindowProblem(string Field, string Message);
