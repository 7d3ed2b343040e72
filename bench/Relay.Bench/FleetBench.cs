using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;
using Relay.Fleet;
using Relay.Testing;

namespace Relay.Bench;

public sealed record FleetResult(
    int Clients,
    double IdleQueriesPerSecond,
    double FanOutP50Seconds,
    double FanOutP99Seconds,
    double FanOutServerCpuSeconds,
    double FanOutMySqlCpuSeconds,
    double BulkRowsPerSecond,
    double BulkSeconds,
    double BroadcastAcceptSeconds,
    long BroadcastRowsWritten,
    long BroadcastAnswerBytes,
    double ServerIdleRssMiB,
    double ServerPeakRssMiB,
    double ServerBroadcastRssMiB,
    DashboardTimes DashboardIdle,
    DashboardTimes DashboardBusy,
    RevocationTimes Revocation
);

/// <summary>Deletions of one personnel from every client while a bulk is being delivered: from the call to every
/// client's acknowledgement, and how many clients still held a deleted personnel once it was acknowledged.</summary>
/// <param name="WithinTarget">Clients that had acknowledged it 2 s after the call, in the slowest round.</param>
/// <param name="Finished">False when a round was still going after <see cref="FleetBench.RevocationCap"/>: its time
/// is the cap.</param>
public sealed record RevocationTimes(
    int Rounds,
    double P50Seconds,
    double MaxSeconds,
    int WithinTarget,
    bool Finished,
    int HeldAfterAcknowledged
);

/// <summary>What the dashboard asks for, in seconds (median of a few calls): counts per state, a page in id order, a
/// page of the worst first, the latest operations, and an open operation's unfinished clients.</summary>
public sealed record DashboardTimes(
    double States,
    double Page,
    double WorstFirstPage,
    double Operations,
    double OperationClients
);

/// <summary>
/// A fleet of simulated clients (the real protocol, applied in memory) behind one server
/// process: what the fleet costs while idle, how fast one change reaches all of it, and what
/// accepting a broadcast of everyone costs.
/// </summary>
public static class FleetBench
{
    private const string MasterKey = "fleet-bench-master-key-0123456789abcdef";
    private const string ApiKey = "fleet-api-key-0123456789";
    private const int BulkPersonnel = 1_000;
    private const int BroadcastPersonnel = 100_000;
    private const int FanOutRounds = 20;

    public static async Task<FleetResult> RunAsync(MariaDbServer mariadb, int clients)
    {
        var connectionString = await mariadb.CreateDatabaseAsync("fleet");
        await using var fleet = FleetSimulator.Start(clients, FreePort.Next());
        var port = FreePort.Next();
        using var api = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestHeaders = { { "X-Api-Key", ApiKey } },
            Timeout = TimeSpan.FromMinutes(5),
        };
        await using var server = DaemonProcess.Start(
            "fleet-server",
            Repo.ServerProgram,
            new Dictionary<string, string>
            {
                ["ConnectionStrings:Relay"] = connectionString,
                ["Urls"] = api.BaseAddress.ToString().TrimEnd('/'),
                ["Auth:ApiKey"] = ApiKey,
                ["Credentials:MasterKey"] = MasterKey,
                ["Logging:LogLevel:Default"] = "Warning",
            }
        );
        await server.WaitUntilAnswersAsync($"{api.BaseAddress}health/ready");

        await fleet.RegisterWithAsync(api, parallelism: 8);
        await using var db = new MySqlConnection(connectionString);
        await db.OpenAsync();
        await SeedAsync(db, 0, BulkPersonnel);

        // The first change opens every connection (and its handshake); the bulk then gives every
        // client its personnel: the fleet is connected and holds everyone, as in service.
        await FanOutAsync(api, 1);
        var (bulkSeconds, peakRss) = await BulkAsync(api, fleet, server, db);
        var idleQueries = await IdleQueriesPerSecondAsync(db, TimeSpan.FromSeconds(10));
        var idleRss = server.ResidentBytes() / 1048576.0;

        var cpu = (Server: server.CpuTime(), MySql: mariadb.CpuTime());
        var fanOut = new List<double>();
        for (var i = 0; i < FanOutRounds; i++)
        {
            fanOut.Add(await FanOutAsync(api, 1 + i));
        }

        var fanOutCpu = (
            (server.CpuTime() - cpu.Server).TotalSeconds / FanOutRounds,
            (mariadb.CpuTime() - cpu.MySql).TotalSeconds / FanOutRounds
        );
        fanOut.Sort();
        peakRss = Math.Max(peakRss, server.ResidentBytes() / 1048576.0);
        var lastFanOut = await LatestOperationAsync(api);
        var dashboardIdle = (await Operator.AskAsync(api.BaseAddress, ApiKey, "dashboard", lastFanOut)).Dashboard!;

        await SeedAsync(db, BulkPersonnel, BroadcastPersonnel - BulkPersonnel);
        var rowsBefore = await RowsWrittenAsync(db);
        var watch = Stopwatch.StartNew();
        using var accepted = await api.PutAsync("/clients/all/personnel", null);
        var acceptSeconds = watch.Elapsed.TotalSeconds;
        accepted.EnsureSuccessStatusCode();
        var answer = await accepted.Content.ReadAsByteArrayAsync();
        var answerBytes = answer.LongLength;
        var broadcastOperation = JsonNode.Parse(answer)!["id"]!.ToString();
        var rowsWritten = await RowsWrittenAsync(db) - rowsBefore;

        // While the batches of that broadcast go out: every client has work, the view's worst case,
        // and the server's memory with every connection busy (the simulator saturates the CPU).
        using var sampling = new CancellationTokenSource();
        var broadcastRss = SamplePeakAsync(server, sampling.Token);
        var dashboardBusy = (
            await Operator.AskAsync(api.BaseAddress, ApiKey, "dashboard", broadcastOperation)
        ).Dashboard!;
        var revocation = await RevokeAsync(api, fleet);
        await sampling.CancelAsync();

        return new FleetResult(
            clients,
            idleQueries,
            At(fanOut, 0.50),
            At(fanOut, 0.99),
            fanOutCpu.Item1,
            fanOutCpu.Item2,
            BulkPersonnel * (double)clients / bulkSeconds,
            bulkSeconds,
            acceptSeconds,
            rowsWritten,
            answerBytes,
            idleRss,
            peakRss,
            await broadcastRss / 1048576.0,
            dashboardIdle,
            dashboardBusy,
            revocation
        );
    }

    /// <summary>
    /// Deletes personnel whose saves are in the broadcast's last batches (queued before the deletion, not yet sent)
    /// from every client, one after another, each followed by the operator process until every client acknowledged it
    /// or the cap; then asks the fleet whether any client still holds it.
    /// </summary>
    private static async Task<RevocationTimes> RevokeAsync(HttpClient api, FleetSimulator fleet)
    {
        const int rounds = 1;
        var times = new List<double>();
        var (held, withinTarget, finished) = (0, int.MaxValue, true);
        for (var i = 0; i < rounds; i++)
        {
            var id = BroadcastPersonnel - 1 - i;
            var round = (await Operator.AskAsync(api.BaseAddress!, ApiKey, "revoke", id.ToString())).Revocation!;
            times.Add(round.Seconds);
            withinTarget = Math.Min(withinTarget, round.DoneWithinTarget);
            finished &= round.Finished;
            held += round.Finished ? fleet.Clients.Count(c => c.Holds(id)) : 0;
        }

        times.Sort();
        return new RevocationTimes(rounds, At(times, 0.5), times[^1], withinTarget, finished, held);
    }

    /// <summary>What a deletion from every client should take, at most, behind a bulk (#32).</summary>
    public static readonly TimeSpan RevocationTarget = TimeSpan.FromSeconds(2);

    /// <summary>How long the bench follows a deletion through the busy fleet.</summary>
    public static readonly TimeSpan RevocationCap = TimeSpan.FromSeconds(120);

    private static async Task<long> SamplePeakAsync(DaemonProcess server, CancellationToken ct)
    {
        var peak = server.ResidentBytes();
        while (!ct.IsCancellationRequested)
        {
            peak = Math.Max(peak, server.ResidentBytes());
            await Task.Delay(100, CancellationToken.None);
        }

        return peak;
    }

    private static async Task<string> LatestOperationAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<JsonObject>("/operations?limit=1"))!["items"]![0]!["id"]!.ToString();

    private static async Task SeedAsync(MySqlConnection db, int start, int count)
    {
        for (var offset = 0; offset < count; offset += 1000)
        {
            await Seed.InsertBatchAsync(db, start + offset, Math.Min(1000, count - offset));
        }
    }

    /// <summary>One personnel to every client, from the call to the answer that all acknowledged it.</summary>
    private static async Task<double> FanOutAsync(HttpClient api, long personnelId)
    {
        var watch = Stopwatch.StartNew();
        using var response = await api.PutAsync($"/clients/all/personnel/{personnelId}?wait=60", null);
        var seconds = watch.Elapsed.TotalSeconds;
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException(
                $"fan-out of personnel {personnelId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
        }

        return seconds;
    }

    /// <summary>Statements MySQL executed per second while nothing was sent (our own two reads left out).</summary>
    private static async Task<double> IdleQueriesPerSecondAsync(MySqlConnection db, TimeSpan over)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await QuestionsAsync(db);
        await Task.Delay(over);
        var after = await QuestionsAsync(db);
        return (after - before - 1) / over.TotalSeconds;
    }

    private static async Task<long> QuestionsAsync(MySqlConnection db) =>
        (await db.QuerySingleAsync<(string Name, string Value)>("SHOW GLOBAL STATUS LIKE 'Questions'")).Value is var v
            ? long.Parse(v)
            : 0;

    /// <summary>Every personnel to every client: from the call until each client holds the last one and the server has
    /// recorded it.</summary>
    private static async Task<(double Seconds, double PeakRssMiB)> BulkAsync(
        HttpClient api,
        FleetSimulator fleet,
        DaemonProcess server,
        MySqlConnection db
    )
    {
        var peak = server.ResidentBytes();
        var watch = Stopwatch.StartNew();
        using (var response = await api.PutAsync("/clients/all/personnel", null))
        {
            response.EnsureSuccessStatusCode();
        }

        while (
            !fleet.Clients.All(c => c.Holds(BulkPersonnel))
            || await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages") > 0
        )
        {
            peak = Math.Max(peak, server.ResidentBytes());
            if (watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"the fleet bulk did not finish in 10 minutes:\n{server.Output}");
            }

            await Task.Delay(20);
        }

        return (watch.Elapsed.TotalSeconds, Math.Max(peak, server.ResidentBytes()) / 1048576.0);
    }

    /// <summary>Rows in the outbox tables; a delivered message moves from one to another, so delivery does not change
    /// the sum.</summary>
    private static Task<long> RowsWrittenAsync(MySqlConnection db) =>
        db.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM messages) + (SELECT COUNT(*) FROM delivered_messages) + (SELECT COUNT(*) FROM batches)"
        );

    private static double At(List<double> sorted, double q) =>
        sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
}
