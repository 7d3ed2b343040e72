using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// The whole system as real processes: a server on its own database in the shared private
/// MariaDB, and client daemons each with their own SQLite file.
/// </summary>
public sealed class RelayStack : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"relay-e2e-{Guid.NewGuid():N}");

    public RelayStack(int clients)
    {
        for (var i = 1; i <= clients; i++)
        {
            Clients.Add(new ClientDaemon($"client{i}", _directory));
        }
    }

    public List<ClientDaemon> Clients { get; } = [];

    public DaemonProcess Server { get; private set; } = null!;

    public const string ApiKey = "end-to-end-api-key";

    public HttpClient Api { get; } = new() { DefaultRequestHeaders = { { "X-Api-Key", ApiKey } } };

    public string ConnectionString { get; private set; } = "";

    public int ServerPort { get; } = FreePort.Next();

    /// <summary>Starts the server and registers every client; starts the clients unless told not to.</summary>
    public async Task StartAsync(bool startClients = true)
    {
        ConnectionString = await (await MariaDbServer.Shared).CreateDatabaseAsync("e2e");
        await StartServerAsync();
        for (var i = 0; i < Clients.Count; i++)
        {
            var response = await Api.PostAsJsonAsync("/clients", new { name = $"Client #{i + 1}", host = "127.0.0.1", port = Clients[i].TcpPort });
            response.EnsureSuccessStatusCode();
            ClientIds.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>());
            if (startClients)
            {
                await Clients[i].StartAsync();
            }
        }
    }

    public List<long> ClientIds { get; } = [];

    public async Task StartServerAsync()
    {
        Api.BaseAddress ??= new Uri($"http://127.0.0.1:{ServerPort}");
        Server = DaemonProcess.Start("server", Repo.ServerDll, new Dictionary<string, string>
        {
            ["ConnectionStrings:Relay"] = ConnectionString,
            ["Urls"] = Api.BaseAddress.ToString().TrimEnd('/'),
            ["Auth:ApiKey"] = ApiKey,
            ["Delivery:PollInterval"] = "00:00:00.500",
            ["Delivery:RetryDelay"] = "00:00:00.050",
            ["Delivery:MaxRetryDelay"] = "00:00:00.500",
            ["Delivery:AttemptTimeout"] = "00:00:05",
            ["Delivery:BreakDuration"] = "00:00:01",
        });
        await Server.WaitUntilAnswersAsync($"{Api.BaseAddress}clients");
    }

    public async Task<long> CreatePersonnelAsync(string name, string surname, string ssn)
    {
        var response = await Api.PostAsJsonAsync("/personnel", new { name, surname, ssn });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    public async Task<long[]> OperateAsync(HttpMethod method, string path)
    {
        var response = await Api.SendAsync(new HttpRequestMessage(method, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 202, $"{method} {path} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["messageIds"]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();
    }

    public string Diagnostics() =>
        $"--- server ---\n{Server?.Output}\n" + string.Join('\n', Clients.Select((c, i) => $"--- client {i + 1} ---\n{c.Process?.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            await client.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Api.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
