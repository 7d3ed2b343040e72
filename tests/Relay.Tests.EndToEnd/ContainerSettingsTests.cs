using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The stack run with the settings docker compose gives it: seed data, JSON logs, listeners on every
/// address.</summary>
public sealed class ContainerSettingsTests
{
    [Fact]
    public async Task WithComposeSettingsTheSeedIsLoadedLogsAreJsonLinesAndDeliveryLinesNameClientAndMessage()
    {
        var directory = Directory.CreateTempSubdirectory("relay-compose-").FullName;
        var (tcp, http, api) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var database = await (await MariaDbServer.Shared).CreateDatabaseAsync("compose");

        // As compose mounts them: the API key as a secret file, the credential on a volume the server writes to.
        var apiKeyFile = Path.Combine(directory, "api-key");
        await File.WriteAllTextAsync(apiKeyFile, RelayStack.ApiKey + "\n");
        var credentialFile = Path.Combine(directory, "credentials", "client1", "credential");
        await using var client = DaemonProcess.Start(
            "client1",
            Repo.ClientProgram,
            new Dictionary<string, string>
            {
                ["Logging:Console:FormatterName"] = "json",
                ["Client:DatabasePath"] = Path.Combine(directory, "client.db"),
                ["Client:TcpBindAddress"] = "0.0.0.0",
                ["Client:TcpPort"] = tcp.ToString(),
                ["Client:HttpUrl"] = $"http://0.0.0.0:{http}",
                ["Client:CredentialFile"] = credentialFile,
                ["Client:ReadApiKey_FILE"] = apiKeyFile,
            }
        );
        await using var server = DaemonProcess.Start(
            "server",
            Repo.ServerProgram,
            new Dictionary<string, string>
            {
                ["Logging:Console:FormatterName"] = "json",
                ["Logging:LogLevel:Relay"] = "Debug",
                ["ConnectionStrings:Relay"] = database,
                ["Urls"] = $"http://127.0.0.1:{api}",
                ["Auth:ApiKey_FILE"] = apiKeyFile,
                ["Credentials:MasterKey"] = RelayStack.MasterKey,
                ["Seed:Clients:0:Name"] = "Client #1",
                ["Seed:Clients:0:Host"] = "127.0.0.1",
                ["Seed:Clients:0:Port"] = tcp.ToString(),
                ["Seed:Clients:0:CredentialFile"] = credentialFile,
                ["Seed:Clients:1:Name"] = "Client #2",
                ["Seed:Clients:1:Host"] = "client2.invalid",
                ["Seed:Clients:1:Port"] = "5002",
                ["Seed:Clients:1:CredentialFile"] = Path.Combine(directory, "credentials", "client2", "credential"),
                ["Seed:Personnel:0:Name"] = "Isaac",
                ["Seed:Personnel:0:Surname"] = "Newton",
                ["Seed:Personnel:0:Ssn"] = "12345678900",
                ["Seed:Personnel:1:Name"] = "Albert",
                ["Seed:Personnel:1:Surname"] = "Einstein",
                ["Seed:Personnel:1:Ssn"] = "98765432100",
            }
        );
        await client.WaitUntilAnswersAsync($"http://127.0.0.1:{http}/health");
        await server.WaitUntilAnswersAsync($"http://127.0.0.1:{api}/health/ready");
        using var apiClient = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{api}"),
            DefaultRequestHeaders = { { "X-Api-Key", RelayStack.ApiKey } },
        };

        var clients = (await apiClient.JsonAsync("/clients"))["items"]!.AsArray();
        var personnel = (await apiClient.JsonAsync("/personnel"))["items"]!.AsArray();
        Assert.Equal(["Client #1", "Client #2"], clients.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["12345678900", "98765432100"], personnel.Select(p => p!["ssn"]!.GetValue<string>()));

        // Each seeded client's own credential, on the volume it mounts, readable by its owner only.
        var credentials = new[] { credentialFile, Path.Combine(directory, "credentials", "client2", "credential") }
            .Select(f =>
                (
                    Mode: OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(f),
                    Credential: LinkCredential.Parse(File.ReadAllText(f))
                )
            )
            .ToArray();
        Assert.All(credentials, c => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, c.Mode));
        Assert.Equal(clients.Select(c => c!["id"]!.GetValue<long>()), credentials.Select(c => c.Credential.ClientId));
        Assert.Equal(0, await ProbeAsync($"http://127.0.0.1:{api}/health/ready"));
        Assert.Equal(1, await ProbeAsync($"http://127.0.0.1:{FreePort.Next()}/health/ready"));

        var seeded = clients[0]!["id"]!.GetValue<long>();
        var (status, body) = await apiClient.SendJsonAsync(HttpMethod.Put, $"/clients/{seeded}/personnel?wait=10");
        Assert.Equal(200, status);

        static bool IsDelivered(JsonNode line) =>
            line["EventId"]?.GetValue<int>() == 3001
            && line["Category"]!.GetValue<string>().StartsWith("Relay.", StringComparison.Ordinal);
        var lines = await Eventually.ReturnsAsync(
            () =>
                Task.FromResult(
                    server.Output.Split('\n').Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList()
                ),
            all => all.Any(IsDelivered),
            because: "the delivery is logged"
        );
        Assert.All(client.Output.Split('\n').Where(l => l.Length > 0), l => JsonNode.Parse(l));
        var delivered = lines.First(IsDelivered);
        Assert.Equal(seeded, delivered["State"]!["ClientId"]!.GetValue<long>());
        Assert.Contains(delivered["State"]!["MessageId"]!.GetValue<long>(), await apiClient.MessageIdsOfAsync(body));
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The container health check: the server binary itself, asked to probe a URL.</summary>
    private static async Task<int> ProbeAsync(string url)
    {
        using var probe = System.Diagnostics.Process.Start(
            new System.Diagnostics.ProcessStartInfo(
                "dotnet",
                [Repo.ServerProgram, Relay.Hosting.Http.HealthProbe.Argument, url]
            )
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            }
        )!;
        await probe.WaitForExitAsync();
        return probe.ExitCode;
    }
}
