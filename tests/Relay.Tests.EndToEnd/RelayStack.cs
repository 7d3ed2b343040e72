using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// The whole system as real processes: server instances on one database (in the shared private
/// MariaDB unless the test brings its own), and client daemons each with their own SQLite file.
/// The first <c>isolatedClients</c> clients run in network namespaces of their own, where a test
/// can cut them off (<see cref="IsolatedHost"/>). On a <see cref="GaleraCluster"/> the database
/// lives in the cluster and each server instance writes through the node it is started on.
/// </summary>
public sealed class RelayStack(
    int clients,
    MariaDbServer? mariadb = null,
    IReadOnlyDictionary<string, string>? serverSettings = null,
    IReadOnlyDictionary<string, string>? clientSettings = null,
    int isolatedClients = 0,
    GaleraCluster? cluster = null
) : IAsyncDisposable
{
    public const string ApiKey = "end-to-end-api-key";
    public const string MasterKey = "end-to-end-master-key-0123456789abcdef";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"relay-e2e-{Guid.NewGuid():N}");
    private readonly List<ClientDaemon> _clients = [];

    public IReadOnlyList<ClientDaemon> Clients => _clients;

    public List<long> ClientIds { get; } = [];

    /// <summary>Every server instance started, in order.</summary>
    public List<ServerInstance> Servers { get; } = [];

    /// <summary>The first server instance still running.</summary>
    public ServerInstance Server => Servers.FirstOrDefault(s => !s.Process.HasExited) ?? Servers[^1];

    public HttpClient Api => Server.Api;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The MariaDB the stack's database lives in.</summary>
    public MariaDbServer MariaDb { get; private set; } = null!;

    public string DatabaseName => new MySqlConnector.MySqlConnectionStringBuilder(ConnectionString).Database;

    /// <summary>Starts one server and registers every client; starts the clients unless told not to.</summary>
    public async Task StartAsync(bool startClients = true)
    {
        await CreateDatabaseAsync();
        await StartServerAsync();
        for (var i = 1; i <= clients; i++)
        {
            var client = new ClientDaemon(
                $"client{i}",
                _directory,
                clientSettings,
                i <= isolatedClients ? await IsolatedHost.CreateAsync() : null
            );
            _clients.Add(client);
            ClientIds.Add(await RegisterAsync(client, $"Client #{i}"));
            if (startClients)
            {
                await client.StartAsync();
            }
        }
    }

    /// <summary>
    /// Creates the stack's database, and starts nothing: with the schema the migrations make, copied
    /// (<c>CreateDatabaseWithSchemaAsync</c>), or empty for a test of the migrations themselves.
    /// </summary>
    public async Task CreateDatabaseAsync(bool empty = false)
    {
        IDatabaseHost host = cluster is null ? MariaDb = mariadb ?? await MariaDbServer.Shared : cluster;
        ConnectionString = empty
            ? await host.CreateDatabaseAsync("e2e")
            : await host.CreateDatabaseWithSchemaAsync("e2e");
    }

    /// <summary>Registers a client daemon with the server and gives it the credential issued; returns its id.</summary>
    public async Task<long> RegisterAsync(ClientDaemon client, string name)
    {
        var registered = await Api.RegisterClientAsync(name, client.TcpHost, client.TcpPort);
        client.Credential = LinkCredential.Parse(registered.Credential);
        return registered.Id;
    }

    /// <summary>Starts a server instance on the stack's database (one more, or a replacement after a kill).</summary>
    /// <param name="node">On a cluster: the node the instance writes through (the others are its fail-over).</param>
    public async Task<ServerInstance> StartServerAsync(int node = 1)
    {
        var server = new ServerInstance(FreePort.Next());
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Relay"] = cluster is null
                ? ConnectionString
                : cluster.ConnectionString(DatabaseName, node),
            ["Urls"] = server.Url,
            ["Auth:ApiKey"] = ApiKey,
            ["Credentials:MasterKey"] = MasterKey,
            ["Delivery:PollInterval"] = "00:00:00.250",
            ["Delivery:RetryDelay"] = "00:00:00.050",
            ["Delivery:MaxRetryDelay"] = "00:00:00.500",
            ["Delivery:AttemptTimeout"] = "00:00:05",
            ["Delivery:BreakDuration"] = "00:00:01",
            ["Delivery:LeaseDuration"] = "00:00:02",
            ["Delivery:LinkCheckInterval"] = "00:00:01",
            // Once a second, not five times: a sweep runs every retention job, and at 200 ms an idle server spent 7 %
            // of a core on it (and MariaDB as much again), with several servers alive at any time of the run.
            ["Outbox:SweepInterval"] = "00:00:01",
        };
        foreach (var (key, value) in serverSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        server.Process = DaemonProcess.Start($"server{Servers.Count + 1}", Repo.ServerProgram, settings);
        Servers.Add(server);
        await server.Process.WaitUntilAnswersAsync($"{server.Url}/health/ready");
        return server;
    }

    public Task<long> CreatePersonnelAsync(string name, string surname, string ssn) =>
        Api.CreatePersonnelAsync(name, surname, ssn);

    /// <summary>A save the client will refuse (an SSN of three digits), as if queued by an older server that did not
    /// validate them; returns its message id.</summary>
    public async Task<long> InjectRefusedSaveAsync(long client, long personnelId = 77)
    {
        await using var db = new MySqlConnector.MySqlConnection(ConnectionString);
        await db.OpenAsync();
        await db.ExecuteAsync(
            """
            INSERT INTO messages (client_id, uid, kind, item_count, payload, created_at)
            VALUES (@client, REPLACE(UUID(), '-', ''), 'save', 1, CONCAT('{"kind":"save","personnel":[{"id":', @personnelId, ',"name":"Bad","surname":"Data","ssn":"123"}]}'), UTC_TIMESTAMP(6))
            """,
            new { client, personnelId }
        );
        var id = await db.ExecuteScalarAsync<long>("SELECT LAST_INSERT_ID()");
        await Relay.Testing.OutboxRows.KeepCounterAheadAsync(db);
        return id;
    }

    /// <summary>Writes <paramref name="count"/> personnel straight into MySQL, in multi-row INSERTs, faster than the
    /// API would; returns their ids (on a cluster they are not 1, 2, 3…).</summary>
    public async Task<long[]> SeedPersonnelAsync(int count, string surname = "Surname")
    {
        await using var db = new MySqlConnector.MySqlConnection(ConnectionString);
        await db.OpenAsync();
        for (var start = 0; start < count; start += 2_000)
        {
            await using var command = db.CreateCommand();
            var values = new List<string>();
            for (var i = 0; i < Math.Min(2_000, count - start); i++)
            {
                values.Add($"(@n{i}, @surname, @s{i}, UTC_TIMESTAMP(6))");
                command.Parameters.AddWithValue($"@n{i}", $"Name{start + i}");
                command.Parameters.AddWithValue($"@s{i}", $"{start + i + 10_000_000_000L:D11}");
            }

            command.Parameters.AddWithValue("@surname", surname);
            command.CommandText =
                $"INSERT INTO personnel (name, surname, ssn, updated_at) VALUES {string.Join(',', values)}";
            await command.ExecuteNonQueryAsync();
        }

        return (
            await db.QueryAsync<long>("SELECT id FROM personnel WHERE surname = @surname ORDER BY id", new { surname })
        ).ToArray();
    }

    public Task<long[]> OperateAsync(HttpMethod method, string path) => Server.OperateAsync(method, path);

    /// <summary>Waits until the outbox holds nothing pending.</summary>
    public Task DrainedAsync(TimeSpan? within = null) =>
        Eventually.ReturnsAsync(
            async () => (await Api.GetFromJsonAsync<JsonObject>("/messages?limit=1000"))!["items"]!.AsArray().Count,
            pending => pending == 0,
            within ?? TimeSpan.FromSeconds(30),
            because: "the outbox drains"
        );

    public string Diagnostics() =>
        string.Join('\n', Servers.Select(s => $"--- {s.Process.Name} ---\n{s.Process.Output}"))
        + "\n"
        + string.Join('\n', Clients.Select((c, i) => $"--- client {i + 1} ---\n{c.Process?.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
        {
            await client.DisposeAsync();
        }

        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

/// <summary>One server process and a client for its API that sends the key.</summary>
public sealed class ServerInstance(int port) : IAsyncDisposable
{
    public string Url { get; } = $"http://127.0.0.1:{port}";

    public DaemonProcess Process { get; set; } = null!;

    public HttpClient Api { get; } =
        new()
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestHeaders = { { "X-Api-Key", RelayStack.ApiKey } },
        };

    public async Task<long[]> OperateAsync(HttpMethod method, string path)
    {
        var response = await Api.SendAsync(new HttpRequestMessage(method, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            (int)response.StatusCode is 200 or 202,
            $"{method} {path} answered {(int)response.StatusCode}: {body}"
        );
        return await Api.OperationMessageIdsAsync(JsonNode.Parse(body)!["id"]!.GetValue<long>());
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Api.Dispose();
    }
}
