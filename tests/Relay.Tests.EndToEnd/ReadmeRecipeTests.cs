using System.Diagnostics;
using System.Text.RegularExpressions;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The README's CI recipe (with the <c>relay</c> command) and docs/cli.md's (with curl), run word for word
/// with bash against a real stack, so they cannot rot.</summary>
public sealed class ReadmeRecipeTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 2);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task BothCiRecipesPassTwiceWhenEveryClientHasThePersonnelAndFailNamingTheClientThatIsDown()
    {
        foreach (var recipe in new[] { Relay, Curl, Relay })
        {
            // The recipe's own default: a loaded machine's first deliveries can take more than a few seconds.
            var (exit, output) = await RunRecipeAsync(recipe, waitSeconds: 30);
            Assert.True(exit == 0, output);
            Assert.Contains("is on every client", output);
        }

        foreach (var client in _stack.Clients)
        {
            Assert.Contains("19061209000", await client.ListedSsnsAsync());
        }

        // Later runs found the person already registered and sent that one again.
        Assert.Single((await _stack.Api.JsonAsync("/personnel"))["items"]!.AsArray(), p =>
            p!["ssn"]!.GetValue<string>() == "19061209000"
        );

        await _stack.Clients[1].Process!.StopAsync();

        var (relayExit, relayOutput) = await RunRecipeAsync(Relay, waitSeconds: 3);
        Assert.True(relayExit == 3, relayOutput);
        Assert.Contains($"client {_stack.ClientIds[1]} Client #2: pending", relayOutput);
        Assert.DoesNotContain($"client {_stack.ClientIds[0]} ", relayOutput);
        Assert.DoesNotContain("is on every client", relayOutput);

        var (curlExit, curlOutput) = await RunRecipeAsync(Curl, waitSeconds: 3);
        Assert.Equal(1, curlExit);
        Assert.Contains("did not reach every client within 3 s (HTTP 202)", curlOutput);
        Assert.Contains($"client {_stack.ClientIds[1]} Client #2: pending", curlOutput);
        Assert.DoesNotContain($"client {_stack.ClientIds[0]} ", curlOutput);
    }

    private static readonly (string Page, string Marker) Relay = ("README.md", "ci-recipe");
    private static readonly (string Page, string Marker) Curl = ("docs/cli.md", "ci-recipe-curl");

    private async Task<(int Exit, string Output)> RunRecipeAsync((string Page, string Marker) recipe, int waitSeconds)
    {
        var page = await File.ReadAllTextAsync(Path.Combine(Repo.Root, recipe.Page));
        var script = Regex.Match(page, $"<!-- {recipe.Marker} -->\\s*```bash\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(script.Success, $"{recipe.Page} has no <!-- {recipe.Marker} --> bash block");
        var directory = Directory.CreateTempSubdirectory("relay-recipe-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "recipe.sh"), script.Groups[1].Value);
        // The relay command on PATH, as `make install-cli` or a CI job's `dotnet tool install` puts it.
        var bin = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
        await File.WriteAllTextAsync(Path.Combine(bin, "relay"), $"#!/bin/sh\nexec dotnet '{Repo.CliDll}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(bin, "relay"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo("bash", "recipe.sh")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RELAY_URL"] = _stack.Server.Url;
        start.Environment["RELAY_API_KEY"] = RelayStack.ApiKey;
        start.Environment["RELAY_WAIT"] = waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
