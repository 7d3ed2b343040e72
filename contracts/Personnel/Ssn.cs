namespace Relay.Contracts.Personnel;

/// <summary>Rules for social security numbers, shared by the server's validation and the client's.</summary>
public static class Ssn
{
    /// <summary>Number of digits in a valid SSN.</summary>
    public const int Length = 11;

    /// <summary>True when <paramref name="value"/> is exactly 11 ASCII digits.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: Length } && value.All(char.IsAsciiDigit);

    /// <summary>The SSN with all but its last four digits hidden, for logs.</summary>
    public static string Mask(string? value) =>
        value is null || value.Length <= 4 ? "****" : new string('*', value.Length - 4) + value[^4..];
}
