using Relay.Bench;

namespace Relay.Tests.Unit;

/// <summary>Someone who changed the delivery code runs the bench again and compares the two runs.</summary>
public sealed class BenchComparisonTests : IDisposable
{
    private readonly DirectoryInfo _runs = Directory.CreateTempSubdirectory("relay-bench-runs-");

    public void Dispose() => _runs.Delete(recursive: true);

    [Fact]
    public void EveryFigureOfEitherRunIsShownWithItsChange()
    {
        var before = Run(
            "before",
            """{"bulk": {"RowsPerSecond": 100000, "Seconds": 4.0}, "fleet": {"Clients": 2000}}"""
        );
        var after = Run("after", """{"bulk": {"RowsPerSecond": 125000, "Seconds": 3.2}, "latency": {"P50": 0.0021}}""");
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = RunComparison.Print(before, after, output, error);

        Assert.Equal(0, exit);
        var lines = output
            .ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd())
            .ToList();
        Assert.Contains(lines, l => l.StartsWith("bulk.RowsPerSecond", StringComparison.Ordinal) && l.EndsWith("+25%"));
        Assert.Contains(lines, l => l.StartsWith("bulk.Seconds", StringComparison.Ordinal) && l.EndsWith("-20%"));
        // A figure only one run has is shown, with a dash for the other.
        Assert.Contains(lines, l => l.StartsWith("fleet.Clients", StringComparison.Ordinal) && l.EndsWith("-"));
        Assert.Contains(lines, l => l.StartsWith("latency.P50", StringComparison.Ordinal) && l.Contains("0.002"));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void AFileThatIsNotAResultIsNamedAndExitsTwo()
    {
        var before = Run("before", """{"bulk": {"Seconds": 4.0}}""");
        var broken = Run("broken", "bulk: 4");
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(2, RunComparison.Print(before, broken, output, error));
        Assert.Contains(broken, error.ToString());
        Assert.Empty(output.ToString());
    }

    private string Run(string name, string json)
    {
        var path = Path.Combine(_runs.FullName, $"{name}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
