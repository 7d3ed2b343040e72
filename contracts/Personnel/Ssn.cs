using System.Text.RegularExpressions;

namespace Relay.Contracts.Personnel;

/// <summary>The rule for social security numbers, shared by the server's validation (API, import, seed) and the
/// client's.</summary>
public static partial class Ssn
{
    /// <summary>Exactly 11 ASCII digits: as the API's request validation and its OpenAPI document state it.</summary>
    public const string Pattern = "^[0-9]{11}$";

    /// <summary>Number of digits in a valid SSN.</summary>
    public const int Length = 11;

    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "exactly 11 digits";

    /// <summary>True when <paramref name="value"/> matches <see cref="Pattern"/> whole (a regex's <c>$</c> alone would
    /// let a final newline through).</summary>
    public static bool IsValid(string? value) => value is { Length: Length } && Matcher().IsMatch(value);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Matcher();
}
