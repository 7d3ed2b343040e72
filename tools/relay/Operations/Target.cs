using System.CommandLine.Parsing;
using System.Globalization;

namespace Relay.Cli.Operations;

/// <summary>An id, or <c>all</c>: which personnel or clients an operation is for.</summary>
internal static class Target
{
    public const string All = "all";

    public static string Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : "";
        if (
            text.Equals(All, StringComparison.OrdinalIgnoreCase)
            || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        )
        {
            return text.ToLowerInvariant();
        }

        result.AddError($"'{text}' is neither an id (a whole number above zero) nor 'all'.");
        return "";
    }

    public static string Describe(string target, string noun) => target == All ? $"all {noun}" : $"{noun} {target}";
}
