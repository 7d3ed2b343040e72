using System.Globalization;

namespace Relay.Contracts.Personnel;

/// <summary>
/// The rule for text a site shows to people (names and surnames): no character that can change
/// how the text around it is displayed. Control characters (NUL, bell, line breaks) and the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make one name read
/// as another in a door panel or a log; a lone surrogate or U+FFFD is text that was broken
/// before it arrived (bytes that were not UTF-8) and is refused rather than repaired.
/// </summary>
public static class ShownText
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule =
        "printable text: no control characters, no bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), "
        + "no broken characters";

    /// <summary>Why <paramref name="value"/> cannot be shown as it is, naming the first character at fault; null
    /// when it can.</summary>
    public static string? Problem(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            var what = c switch
            {
                _ when char.IsSurrogate(c) => "a lone surrogate (not a character)",
                _ when char.IsControl(c) => "a control character",
                >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' => "a bidirectional override or isolate",
                '\uFFFD' => "a replacement character (the text was not UTF-8)",
                _ => null,
            };
            if (what is not null)
            {
                return $"holds {Describe(c)}, {what}, at character {i + 1}";
            }
        }

        return null;
    }

    private static string Describe(char c) => string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");
}
