using System.Globalization;
using System.Text.Json.Nodes;

namespace Relay.Bench;

/// <summary>
/// Two runs' results (bench/runs/*.json) side by side: every figure of either, its value in each, and the change,
/// so a change to the code can be judged against the run before it on the same machine.
/// </summary>
public static class RunComparison
{
    /// <summary>Writes the comparison of the runs in files <paramref name="before"/> and <paramref name="after"/> to
    /// <paramref name="output"/>: 0, or 2 when either cannot be read (said on <paramref name="error"/>).</summary>
    public static int Print(string before, string after, TextWriter output, TextWriter error)
    {
        var (a, b) = (Figures(before), Figures(after));
        if (a is null || b is null)
        {
            error.WriteLine($"bench compare: {(a is null ? before : after)} is not a bench result (JSON).");
            return 2;
        }

        output.WriteLine($"{"figure", -58} {"before", 14} {"after", 14} {"change", 8}");
        foreach (var key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            double? x = a.TryGetValue(key, out var first) ? first : null;
            double? y = b.TryGetValue(key, out var second) ? second : null;
            var change =
                x is { } was && y is { } now && was != 0 ? ((now - was) / Math.Abs(was)).ToString("+0%;-0%;0%") : "";
            output.WriteLine($"{key, -58} {Shown(x), 14} {Shown(y), 14} {change, 8}");
        }

        return 0;
    }

    private static string Shown(double? value) =>
        value is { } v ? v.ToString(Math.Abs(v) >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture) : "-";

    /// <summary>Every number in the file by its path (fleet.Revocation.P50Seconds); null when it is not JSON.</summary>
    private static Dictionary<string, double>? Figures(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null;
        }

        var figures = new Dictionary<string, double>();
        Walk(root, "", figures);
        return figures;

        static void Walk(JsonNode? node, string at, Dictionary<string, double> figures)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o)
                    {
                        Walk(child, at.Length == 0 ? key : $"{at}.{key}", figures);
                    }

                    break;
                case JsonArray list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        Walk(list[i], $"{at}[{i}]", figures);
                    }

                    break;
                case JsonValue v when v.TryGetValue<double>(out var number):
                    figures[at] = number;
                    break;
            }
        }
    }
}
