using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Relay.Testing;

namespace Relay.Bench;

public sealed record BulkResult(
    double EnqueueSeconds,
    double EndToEndSeconds,
    double RowsPerSecond,
    double ServerPeakRssMiB,
    double[] ClientPeakRssMiB,
    double ServerCpuSeconds,
    double ClientsCpuSeconds,
    double MySqlCpuSeconds
);

public sealed record BroadcastResult(
    int Clients,
    double EnqueueSeconds,
    long MessageRows,
    double PayloadMiB,
    double SnapshotMiB
);

/// <summary>Deletions of one personnel from every client while a bulk to every client is being delivered.</summary>
/// <param name="AcknowledgedDuringBulk">Deletions every client acknowledged before the bulk queued ahead of them had
/// finished.</param>
/// <param name="HeldAfterBulk">Deleted personnel some client held once the bulk had finished (a save queued before the
/// deletion that brought it back): should be none.</param>
public sealed record RevocationResult(
    int Rounds,
    double P50Ms,
    double MaxMs,
    int AcknowledgedDuringBulk,
    int HeldAfterBulk,
    double BulkSeconds
);

public sealed record LatencyResult(int Operations, double P50Ms, double P95Ms, double P99Ms, double MaxMs);

/// <summary>Single sends while a read key floods verify: how long each waited, and how the flood was met.</summary>
public sealed record VerifyFloodResult(
    int Sends,
    double SendP50Ms,
    double SendMaxMs,
    int VerifyCalls,
    int VerifyAccepted,
    int VerifyLimited
);

/// <summary>Server and clients as real processes on private ports, built in Release.</summary>
public sealed class BenchStack : IAsyncDisposable
{
    private const string MasterKey = "bench-master-key-0123456789abcdef0123";
    private const string ApiKey = "bench-api-key-0123456789";
    private const string ReadKey = "bench-read-key-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("relay-bench-").FullName;
    private readonly List<BenchClient> _clients = [];
    private Dictionary<string, string> _serverSettings = [];
    private DaemonProcess _server = null!;
    private HttpClient _api = null!;
    private string _connectionString = "";

    private IDatabaseHost _mariadb = null!;

    /// <summary>The server's API, with the key.</summary>
    public HttpClient Api => _api;

    /// <summary>From starting the server's process until it answered ready.</summary>
    public TimeSpan ServerReady { get; private set; }

    /// <summary>The server process's resident memory now.</summary>
    public double ServerRssMiB => _server.ResidentBytes() / 1048576.0;

    /// <summary>One client's id on the server and its SQLite file.</summary>
    public (long Id, string DatabasePath) Client(int index) => (_clients[index].Id, _clients[index].DatabasePath);

    public static async Task<BenchStack> StartAsync(IDatabaseHost mariadb, int clients)
    {
        var stack = new BenchStack { _mariadb = mariadb };
        stack._connectionString = await mariadb.CreateDatabaseAsync("bench");
        var port = FreePort.Next();
        stack._api = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestHeaders = { { "X-Api-Key", ApiKey } },
            Timeout = TimeSpan.FromMinutes(2),
        };
        stack._serverSettings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Relay"] = stack._connectionString,
            ["Urls"] = stack._api.BaseAddress.ToString().TrimEnd('/'),
            ["Auth:ApiKey"] = ApiKey,
            ["Auth:Keys:0:Name"] = "dashboard",
            ["Auth:Keys:0:Key"] = ReadKey,
            ["Auth:Keys:0:Role"] = "read",
            ["Credentials:MasterKey"] = MasterKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await stack.StartServerAsync();
        for (var i = 1; i <= clients; i++)
        {
            var (tcp, http) = (FreePort.Next(), FreePort.Next());
            var database = Path.Combine(stack._directory, $"client{i}.db");
            var registered = await stack._api.RegisterClientAsync($"Bench #{i}", "127.0.0.1", tcp);
            var settings = new Dictionary<string, string>
            {
                ["Client:DatabasePath"] = database,
                ["Client:TcpPort"] = tcp.ToString(),
                ["Client:HttpUrl"] = $"http://127.0.0.1:{http}",
                ["Client:Credential"] = registered.Credential,
                ["Client:ReadApiKey"] = ApiKey,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            var client = new BenchClient(i, database, registered.Id, settings, $"http://127.0.0.1:{http}/health");
            await client.StartAsync();
            stack._clients.Add(client);
        }

        return stack;
    }

    /// <summary>Stops the server and every client and starts them again on the same databases: processes that have
    /// run nothing yet, beside storage that is as warm as before.</summary>
    public async Task RestartAsync()
    {
        foreach (var client in _clients)
        {
            await client.Process.StopAsync();
            await client.Process.DisposeAsync();
        }

        await _server.StopAsync();
        await _server.DisposeAsync();
        await StartServerAsync();
        foreach (var client in _clients)
        {
            await client.StartAsync();
        }
    }

    private async Task StartServerAsync()
    {
        var started = Stopwatch.StartNew();
        _server = DaemonProcess.Start("server", Repo.ServerProgram, _serverSettings);
        await _server.WaitUntilAnswersAsync($"{_api.BaseAddress}health/ready");
        ServerReady = started.Elapsed;
    }

    /// <summary>A client daemon of the stack, with what it takes to start it again on the same file.</summary>
    private sealed class BenchClient(
        int number,
        string databasePath,
        long id,
        Dictionary<string, string> settings,
        string healthUrl
    )
    {
        public DaemonProcess Process { get; private set; } = null!;

        public string DatabasePath => databasePath;

        public long Id => id;

        public async Task StartAsync()
        {
            Process = DaemonProcess.Start($"client{number}", Repo.ClientProgram, settings);
            await Process.WaitUntilAnswersAsync(healthUrl);
        }
    }

    public async Task SeedPersonnelAsync(int count)
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync();
        for (var start = 0; start < count; start += 1000)
        {
            await Seed.InsertBatchAsync(connection, start, Math.Min(1000, count - start));
        }
    }

    /// <summary>From the call that sends everyone everywhere to the last row committed on every client.</summary>
    public async Task<BulkResult> BulkAsync(int personnel)
    {
        using var sampling = new CancellationTokenSource();
        var serverPeak = 0L;
        var clientPeaks = new long[_clients.Count];
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                serverPeak = Math.Max(serverPeak, _server.ResidentBytes());
                for (var i = 0; i < _clients.Count; i++)
                {
                    clientPeaks[i] = Math.Max(clientPeaks[i], _clients[i].Process.ResidentBytes());
                }

                await Task.Delay(50);
            }
        });

        var cpu = (Server: _server.CpuTime(), Clients: ClientsCpu(), MySql: _mariadb.CpuTime());
        var watch = Stopwatch.StartNew();
        using (var response = await _api.PutAsync("/clients/all/personnel", null))
        {
            response.EnsureSuccessStatusCode();
        }

        var enqueued = watch.Elapsed;

        // Messages apply in id order, so the highest personnel id arriving means all have; looking
        // it up by key keeps the observer from competing with the clients for the CPU.
        var done = new bool[_clients.Count];
        while (!done.All(d => d))
        {
            for (var i = 0; i < _clients.Count; i++)
            {
                done[i] = done[i] || await HoldsAsync(_clients[i].DatabasePath, personnel);
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"the bulk run did not finish in 10 minutes:\n{_server.Output}");
            }

            await Task.Delay(20);
        }

        var total = watch.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        return new BulkResult(
            enqueued.TotalSeconds,
            total.TotalSeconds,
            personnel * (double)_clients.Count / total.TotalSeconds,
            serverPeak / 1048576.0,
            clientPeaks.Select(b => b / 1048576.0).ToArray(),
            (_server.CpuTime() - cpu.Server).TotalSeconds,
            (ClientsCpu() - cpu.Clients).TotalSeconds,
            (_mariadb.CpuTime() - cpu.MySql).TotalSeconds
        );
    }

    /// <summary>
    /// Everyone to every client again (they hold it already: the same work as the first bulk) and, while it is
    /// delivered, deletions of personnel whose saves are in its last batches, one after another, each with ?wait.
    /// </summary>
    public async Task<RevocationResult> RevocationAsync(int personnel, int rounds)
    {
        var watch = Stopwatch.StartNew();
        using var accepted = await _api.PutAsync("/clients/all/personnel", null);
        accepted.EnsureSuccessStatusCode();
        var bulk = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        async Task<bool> BulkDoneAsync() =>
            (await _api.GetFromJsonAsync<JsonObject>($"/operations/{bulk}"))!["state"]!.GetValue<string>()
            == "delivered";

        // Under way on every client before the first deletion.
        await Task.Delay(300);
        var timings = new List<double>(rounds);
        var duringBulk = 0;
        var deleted = new List<long>();
        for (var i = 0; i < rounds; i++)
        {
            var id = personnel - 1 - i;
            var one = Stopwatch.StartNew();
            using var response = await _api.DeleteAsync($"/clients/all/personnel/{id}?wait=30");
            one.Stop();
            if ((int)response.StatusCode != 200)
            {
                throw new InvalidOperationException(
                    $"deleting personnel {id} during the bulk answered {(int)response.StatusCode}"
                );
            }

            timings.Add(one.Elapsed.TotalMilliseconds);
            deleted.Add(id);
            duringBulk += await BulkDoneAsync() ? 0 : 1;
        }

        while (!await BulkDoneAsync())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"the bulk did not finish in 10 minutes:\n{_server.Output}");
            }

            await Task.Delay(20);
        }

        var bulkSeconds = watch.Elapsed.TotalSeconds;
        var held = 0;
        foreach (var path in _clients.Select(c => c.DatabasePath))
        {
            foreach (var id in deleted)
            {
                held += await HoldsAsync(path, id) ? 1 : 0;
            }
        }

        timings.Sort();
        return new RevocationResult(rounds, timings[timings.Count / 2], timings[^1], duringBulk, held, bulkSeconds);
    }

    /// <summary>Sequential single sends with ?wait: the answer comes once the row is committed on the client.</summary>
    public async Task<LatencyResult> LatencyAsync(int operations)
    {
        var timings = new List<double>(operations);
        var client = _clients[0].Id;
        for (var i = 0; i < operations; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await _api.PutAsync($"/clients/{client}/personnel/{i % 1000 + 1}?wait=10", null);
            watch.Stop();
            if ((int)response.StatusCode != 200)
            {
                throw new InvalidOperationException($"single operation {i} answered {(int)response.StatusCode}");
            }

            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        timings.Sort();
        double At(double q) => timings[(int)Math.Min(timings.Count - 1, Math.Ceiling(q * timings.Count) - 1)];
        return new LatencyResult(operations, At(0.50), At(0.95), At(0.99), timings[^1]);
    }

    /// <summary>
    /// A read key calls verify-all from <paramref name="flooders"/> loops at once while single
    /// sends with ?wait=30 go to one client: what each send waits for is the verify flood's toll on
    /// delivery.
    /// </summary>
    public async Task<VerifyFloodResult> VerifyFloodAsync(int sends, int flooders)
    {
        using var reader = new HttpClient
        {
            BaseAddress = _api.BaseAddress,
            DefaultRequestHeaders = { { "X-Api-Key", ReadKey } },
        };
        using var stop = new CancellationTokenSource();
        int calls = 0,
            accepted = 0,
            limited = 0;
        var flood = Enumerable
            .Range(0, flooders)
            .Select(_ =>
                Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        using var response = await reader.GetAsync("/clients/all/verify", CancellationToken.None);
                        Interlocked.Increment(ref calls);
                        _ = (int)response.StatusCode switch
                        {
                            200 or 202 => Interlocked.Increment(ref accepted),
                            429 => Interlocked.Increment(ref limited),
                            var other => throw new InvalidOperationException($"verify answered {other}"),
                        };
                    }
                })
            )
            .ToList();

        await Task.Delay(TimeSpan.FromSeconds(2));
        var timings = new List<double>(sends);
        for (var i = 0; i < sends; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await _api.PutAsync($"/clients/{_clients[0].Id}/personnel/{i + 1}?wait=30", null);
            watch.Stop();
            if ((int)response.StatusCode != 200)
            {
                throw new InvalidOperationException(
                    $"a send during the verify flood answered {(int)response.StatusCode}"
                );
            }

            timings.Add(watch.Elapsed.TotalMilliseconds);
        }

        await stop.CancelAsync();
        await Task.WhenAll(flood);
        timings.Sort();
        return new VerifyFloodResult(sends, timings[timings.Count / 2], timings[^1], calls, accepted, limited);
    }

    /// <summary>
    /// Everyone to 100 registered clients (the extra ones need not run): the enqueue time, and the
    /// payload bytes stored, against the size of one snapshot of the personnel.
    /// </summary>
    public async Task<BroadcastResult> BroadcastAsync(int totalClients)
    {
        for (var i = _clients.Count + 1; i <= totalClients; i++)
        {
            await _api.RegisterClientAsync($"Registered #{i}", "127.0.0.1", 1 + i);
        }

        await using var db = new MySqlConnection(_connectionString);
        await db.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(db, "DELETE FROM messages");
        var watch = Stopwatch.StartNew();
        using (var response = await _api.PutAsync("/clients/all/personnel", null))
        {
            response.EnsureSuccessStatusCode();
        }

        var enqueue = watch.Elapsed.TotalSeconds;
        var (rows, inline, shared) = await Dapper.SqlMapper.QuerySingleAsync<(long, long, long)>(
            db,
            """
            SELECT (SELECT COUNT(*) FROM messages), (SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM messages),
                   (SELECT COALESCE(SUM(LENGTH(b.payload)), 0) FROM batches b WHERE EXISTS (SELECT 1 FROM messages m WHERE m.batch_id = b.id))
            """
        );
        var snapshot = await Dapper.SqlMapper.ExecuteScalarAsync<long>(
            db,
            "SELECT SUM(LENGTH(CONCAT('{\"id\":', id, ',\"name\":\"', name, '\",\"surname\":\"', surname, '\",\"ssn\":\"', ssn, '\"},'))) FROM personnel"
        );
        return new BroadcastResult(totalClients, enqueue, rows, (inline + shared) / 1048576.0, snapshot / 1048576.0);
    }

    private TimeSpan ClientsCpu() => _clients.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Process.CpuTime());

    private static async Task<bool> HoldsAsync(string path, long id)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT COUNT(*) FROM personnel WHERE id = $id", connection);
        command.Parameters.AddWithValue("$id", id);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.Process.DisposeAsync();
        }

        await _server.DisposeAsync();
        _api.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
