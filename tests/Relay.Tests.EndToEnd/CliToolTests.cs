using System.Diagnostics;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The <c>relay</c> command installs as a dotnet tool from the repository, as <c>make install-cli</c> and
/// docs/cli.md do it.</summary>
public sealed class CliToolTests
{
    [Fact]
    public async Task TheCommandPacksAndInstallsAsADotnetToolFromTheRepository()
    {
        var directory = Directory.CreateTempSubdirectory("relay-tool-").FullName;
        try
        {
            var packages = Path.Combine(directory, "packages");
            var tools = Path.Combine(directory, "tools");
            var project = Path.Combine(Repo.Root, "tools", "relay");
            await RunAsync("dotnet", "pack", project, "--no-build", "-c", Repo.Configuration, "-o", packages);
            await RunAsync("dotnet", "tool", "install", "Relay.Cli", "--tool-path", tools, "--add-source", packages);

            var help = await RunAsync(Path.Combine(tools, "relay"), "send", "--help");
            Assert.Contains("--to", help);
            Assert.Contains("--wait", help);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: exit {process.ExitCode}\n{output}");
        return output;
    }
}
