using Relay.Testing;

namespace Relay.Tests.Unit;

/// <summary>
/// Lines of C# fit in 120 columns (the .editorconfig's <c>max_line_length</c>). CSharpier, run by
/// every build, lays out the code to fit; this holds the comments, which no formatter wraps, to
/// the same width. Text inside a string literal is exempt: an SQL statement or a sentence of the
/// API's description is read as a whole, not as code.
/// </summary>
public sealed class LineLengthTests
{
    private const int MaxLength = 120;

    [Fact]
    public void NoLineOutsideAStringLiteralIsLongerThan120Characters()
    {
        var tooLong = new List<string>();
        foreach (var project in (string[])["server", "client", "contracts", "hosting", "tests", "bench"])
        {
            var directory = Path.Combine(Repo.Root, project);
            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Repo.Root, file);
                if (
                    relative.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                    || relative.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                )
                {
                    continue;
                }

                var inRawString = false;
                var number = 0;
                foreach (var line in File.ReadLines(file))
                {
                    number++;
                    var rawQuotes = CountOf(line, "\"\"\"");
                    var exempt = inRawString || rawQuotes > 0 || IsCodeWithAString(line);
                    if (rawQuotes % 2 == 1)
                    {
                        inRawString = !inRawString;
                    }

                    if (line.Length > MaxLength && !exempt)
                    {
                        tooLong.Add($"{relative}:{number} ({line.Length})");
                    }
                }
            }
        }

        Assert.True(tooLong.Count == 0, $"Lines longer than {MaxLength} characters:\n{string.Join('\n', tooLong)}");
    }

    /// <summary>A line of code holding a string literal (a comment that quotes something is still a comment).</summary>
    private static bool IsCodeWithAString(string line) =>
        !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && line.Contains('"', StringComparison.Ordinal);

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (
            var at = text.IndexOf(part, StringComparison.Ordinal);
            at >= 0;
            at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)
        )
        {
            count++;
        }

        return count;
    }
}
