using System.Diagnostics;
using System.Text.RegularExpressions;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The README's CI recipe, run word for word with bash against a real stack, so it cannot rot.</summary>
public sealed partial class ReadmeRecipeTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 2);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task TheCiRecipePassesTwiceWhenEveryClientHasThePersonnelAndFailsNamingTheClientThatIsDown()
    {
        var (exit, output) = await RunRecipeAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("is on every client", output);
        foreach (var client in _stack.Clients)
        {
            Assert.Contains("19061209000", await client.ListedSsnsAsync());
        }

        // A second run finds the person already registered and sends that one again: still green.
        (exit, output) = await RunRecipeAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("is on every client", output);
        Assert.Single((await _stack.Api.JsonAsync("/personnel"))["items"]!.AsArray(), p =>
            p!["ssn"]!.GetValue<string>() == "19061209000"
        );

        await _stack.Clients[1].Process!.StopAsync();

        (exit, output) = await RunRecipeAsync();
        Assert.Equal(1, exit);
        Assert.Contains("did not reach every client within 3 s (HTTP 202)", output);
        Assert.Contains($"client {_stack.ClientIds[1]} Client #2: pending", output);
        Assert.DoesNotContain($"client {_stack.ClientIds[0]} ", output);
    }

    private async Task<(int Exit, string Output)> RunRecipeAsync()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "README.md"));
        var script = Recipe().Match(readme);
        Assert.True(script.Success, "README.md has no <!-- ci-recipe --> bash block");
        var directory = Directory.CreateTempSubdirectory("relay-recipe-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "recipe.sh"), script.Groups[1].Value);

        var start = new ProcessStartInfo("bash", "recipe.sh")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["RELAY_URL"] = _stack.Server.Url;
        start.Environment["RELAY_API_KEY"] = RelayStack.ApiKey;
        start.Environment["RELAY_WAIT"] = "3";
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

    [GeneratedRegex("<!-- ci-recipe -->\\s*```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Recipe();
}
