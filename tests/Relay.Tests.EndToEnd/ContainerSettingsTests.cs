using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The stack run with the settings docker compose gives it: seed data, JSON logs, listeners on every address.</summary>
public sealed class ContainerSettingsTests
{
    [Fact]
    public async Task WithComposeSettingsTheSeedIsLoadedLogsAreJsonLinesAndDeliveryLinesNameClientAndMessage()
    {
        var directory = Directory.CreateTempSubdirectory("relay-compose-").FullName;
        var (tcp, http, api) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var database = await (await MariaDbServer.Shared).CreateDatabaseAsync("compose");
        await using var client = DaemonProcess.Start("client1", Repo.ClientDll, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Client:DatabasePath"] = Path.Combine(directory, "client.db"),
            ["Client:TcpBindAddress"] = "0.0.0.0",
            ["Client:TcpPort"] = tcp.ToString(),
            ["Client:HttpUrl"] = $"http://0.0.0.0:{http}",
            ["Client:SharedSecret"] = ClientDaemon.SharedSecret,
            ["Client:ReadApiKey"] = RelayStack.ApiKey,
        });
        await using var server = DaemonProcess.Start("server", Repo.ServerDll, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Relay"] = "Debug",
            ["ConnectionStrings:Relay"] = database,
            ["Urls"] = $"http://127.0.0.1:{api}",
            ["Auth:ApiKey"] = RelayStack.ApiKey,
            ["Delivery:SharedSecret"] = ClientDaemon.SharedSecret,
            ["Seed:Clients:0:Name"] = "Client #1",
            ["Seed:Clients:0:Host"] = "127.0.0.1",
            ["Seed:Clients:0:Port"] = tcp.ToString(),
            ["Seed:Clients:1:Name"] = "Client #2",
            ["Seed:Clients:1:Host"] = "client2.invalid",
            ["Seed:Clients:1:Port"] = "5002",
            ["Seed:Personnel:0:Name"] = "Isaac",
            ["Seed:Personnel:0:Surname"] = "Newton",
            ["Seed:Personnel:0:Ssn"] = "12345678900",
            ["Seed:Personnel:1:Name"] = "Albert",
            ["Seed:Personnel:1:Surname"] = "Einstein",
            ["Seed:Personnel:1:Ssn"] = "98765432100",
        });
        await client.WaitUntilAnswersAsync($"http://127.0.0.1:{http}/health");
        await server.WaitUntilAnswersAsync($"http://127.0.0.1:{api}/health/ready");
        using var apiClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api}"), DefaultRequestHeaders = { { "X-Api-Key", RelayStack.ApiKey } } };

        var clients = (await apiClient.JsonAsync("/clients"))["items"]!.AsArray();
        var personnel = (await apiClient.JsonAsync("/personnel"))["items"]!.AsArray();
        Assert.Equal(["Client #1", "Client #2"], clients.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal(["12345678900", "98765432100"], personnel.Select(p => p!["ssn"]!.GetValue<string>()));

        var seeded = clients[0]!["id"]!.GetValue<long>();
        var (status, body) = await apiClient.SendJsonAsync(HttpMethod.Put, $"/clients/{seeded}/personnel?wait=10");
        Assert.Equal(200, status);

        static bool IsDelivered(JsonNode line) => line["EventId"]?.GetValue<int>() == 3001 && line["Category"]!.GetValue<string>().StartsWith("Relay.", StringComparison.Ordinal);
        var lines = await Eventually.ReturnsAsync(
            () => Task.FromResult(server.Output.Split('\n').Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList()),
            all => all.Any(IsDelivered), because: "the delivery is logged");
        Assert.All(client.Output.Split('\n').Where(l => l.Length > 0), l => JsonNode.Parse(l));
        var delivered = lines.First(IsDelivered);
        Assert.Equal(seeded, delivered["State"]!["ClientId"]!.GetValue<long>());
        Assert.Contains(delivered["State"]!["MessageId"]!.GetValue<long>(), await apiClient.MessageIdsOfAsync(body));
        Directory.Delete(directory, recursive: true);
    }
}
