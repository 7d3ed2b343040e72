using System.CommandLine.Parsing;
using System.Globalization;

namespace Relay.Cli.Terminal;

/// <summary>Reads a duration as people write one: <c>90</c> or <c>90s</c>, <c>5m</c>, <c>1h</c>, or
/// <c>00:01:30</c>.</summary>
internal static class Durations
{
    public static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : "";
        if (TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration: write 90s, 5m, 1h or 00:01:30 (more than zero).");
        return default;
    }

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length == 0)
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            _ => (TimeSpan?)null,
        };
        var number = unit is null ? text : text[..^1];
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
        {
            duration = (unit ?? TimeSpan.FromSeconds(1)) * count;
            return count < 1e7;
        }

        return unit is null && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
