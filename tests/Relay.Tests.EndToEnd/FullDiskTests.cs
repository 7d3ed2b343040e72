using System.Diagnostics;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A client whose SQLite file sits on a small tmpfs that fills up: its health says why it cannot
/// write, the server shows the client's own reason, and both recover by themselves once space returns.
/// </summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), $"relay-tmpfs-{Guid.NewGuid():N}");
    private RelayStack _stack = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", _mount);
        _stack = new RelayStack(
            clients: 1,
            clientSettings: new Dictionary<string, string>
            {
                ["Client:DatabasePath"] = Path.Combine(_mount, "client.db"),
            }
        );
        await _stack.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await RunAsync("umount", "-l", _mount);
        Directory.Delete(_mount, recursive: true);
    }

    [Fact]
    public async Task AClientOnAFullDiskReportsItAndRecoversWhenSpaceReturns()
    {
        var client = _stack.Clients[0];
        using var http = client.CreateHttp();
        var filler = Path.Combine(_mount, "filler");
        await FillAsync(filler);
        await _stack.SeedPersonnelAsync(1_000, surname: new string('s', 80));

        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        var health = await Eventually.ReturnsAsync(
            () => HealthAsync(http),
            h => h.Status == 503,
            because: "the client cannot write"
        );
        Assert.Contains("full", health.Body);
        var clientId = _stack.ClientIds[0];

        // Until the first attempt fails, the last error may still be from before the daemon listened.
        await Eventually.ReturnsAsync(
            async () => (await _stack.Api.JsonAsync($"/clients/{clientId}"))["lastError"]?.GetValue<string>(),
            e => e?.Contains("database or disk is full") == true,
            because: "the failed attempt is recorded"
        );
        for (var i = 0; i < 30; i++)
        {
            // The server keeps showing the client's cause, also while the circuit is open.
            var lastError = await Eventually.ReturnsAsync(
                async () => (await _stack.Api.JsonAsync($"/clients/{clientId}"))["lastError"]?.GetValue<string>(),
                e => e is not null,
                because: "the failed attempt is recorded"
            );
            Assert.Contains("database or disk is full", lastError);
            await Task.Delay(100);
        }

        File.Delete(filler);

        await Eventually.ReturnsAsync(
            () => HealthAsync(http),
            h => h.Status == 200,
            TimeSpan.FromSeconds(30),
            because: "space returned"
        );
        await _stack.DrainedAsync();
        Assert.Equal(1_000, (await client.StoredRowsAsync()).Length);
    }

    private static async Task<(int Status, string Body)> HealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health");
        var body = await response.Content.ReadAsStringAsync();
        Assert.NotNull(JsonNode.Parse(body)!["checks"]);
        return ((int)response.StatusCode, body);
    }

    /// <summary>Writes until the file system refuses another byte.</summary>
    private static async Task FillAsync(string path)
    {
        await using var file = new FileStream(
            path,
            FileMode.Create,
            FileAccess.Write,
            FileShare.None,
            1,
            FileOptions.WriteThrough
        );
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                await file.WriteAsync(chunk);
            }
        }
        catch (IOException) { }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }
}
