using System.Text.Json;
using Relay.Bench;
using Relay.Testing;

// `make bench`: a fresh stack on private ports, measured end to end on this machine, next to
// the raw limits of SQLite and MySQL measured in the same run; then a simulated fleet.
if (args is ["compare", var before, var after])
{
    Environment.ExitCode = RunComparison.Print(before, after, Console.Out, Console.Error);
    return;
}

if (args is [Operator.Verb, ..])
{
    Environment.ExitCode = await Operator.RunAsync(args);
    return;
}

var personnel = Setting("RELAY_BENCH_PERSONNEL", 100_000);
var clients = Setting("RELAY_BENCH_CLIENTS", 4);
var singles = Setting("RELAY_BENCH_SINGLE_OPS", 1000);
var fleetSize = Setting("RELAY_BENCH_FLEET", 2000);
var sections = (Environment.GetEnvironmentVariable("RELAY_BENCH_SECTIONS") ?? "stack,cold,import,fleet,cluster").Split(
    ',',
    StringSplitOptions.TrimEntries
);

// The client as it ships (make bench publishes it natively), or the JIT build when RELAY_CLIENT_NATIVE is unset.
var clientBuild = Repo.ClientProgram.EndsWith(".dll", StringComparison.Ordinal) ? "JIT" : "native";
Console.WriteLine(
    $"Relay bench: {personnel:N0} personnel, {clients} clients ({clientBuild}), {singles:N0} single operations, a fleet of {fleetSize:N0}; {Environment.ProcessorCount} cores"
);
await using var mariadb = await MariaDbServer.StartAsync();
var results = new Dictionary<string, object>
{
    ["machine"] = new
    {
        cores = Environment.ProcessorCount,
        os = Environment.OSVersion.ToString(),
        dotnet = Environment.Version.ToString(),
    },
    ["client"] = clientBuild,
};

Console.WriteLine();
Console.WriteLine($"{"measure", -44} {"value", 14} {"limit", 14} {"ratio", 7}");
if (sections.Contains("stack"))
{
    var limits = await Limits.MeasureAsync(mariadb);
    await using var stack = await BenchStack.StartAsync(mariadb, clients);
    await stack.SeedPersonnelAsync(personnel);

    var bulk = await stack.BulkAsync(personnel);
    var revocation = await stack.RevocationAsync(personnel, rounds: 5);
    var repair = await RepairBench.RunAsync(stack, clients - 1, personnel);
    var latency = await stack.LatencyAsync(singles);
    var flood = await stack.VerifyFloodAsync(sends: 20, flooders: 8);
    var broadcast = await stack.BroadcastAsync(100);
    results["personnel"] = personnel;
    results["clients"] = clients;
    results["bulk"] = bulk;
    results["revocation"] = revocation;
    results["latency"] = latency;
    results["verifyFlood"] = flood;
    results["broadcast"] = broadcast;
    results["repair"] = repair;
    results["limits"] = limits;

    Row("bulk enqueue (PUT /clients/all/personnel)", $"{bulk.EnqueueSeconds:0.000} s");
    Row("bulk end to end (call to last row committed)", $"{bulk.EndToEndSeconds:0.000} s");
    Row(
        "bulk personnel-rows/s end to end",
        $"{bulk.RowsPerSecond:N0}",
        $"{limits.SqliteRowsPerSecond:N0}",
        bulk.RowsPerSecond / limits.SqliteRowsPerSecond
    );
    Row(
        "  CPU during bulk: server / clients / MySQL",
        $"{bulk.ServerCpuSeconds:0.0}/{bulk.ClientsCpuSeconds:0.0}/{bulk.MySqlCpuSeconds:0.0} s",
        $"{bulk.EndToEndSeconds * Environment.ProcessorCount:0.0} s"
    );
    Row(
        $"delete one from all during a bulk, p50 / max",
        $"{revocation.P50Ms:0} / {revocation.MaxMs:0} ms",
        "1,000 ms",
        revocation.P50Ms / 1000
    );
    Row(
        "  acknowledged before the bulk ended",
        $"{revocation.AcknowledgedDuringBulk} of {revocation.Rounds}",
        $"bulk {revocation.BulkSeconds:0.0} s"
    );
    Row("  deleted rows a client held after the bulk", $"{revocation.HeldAfterBulk}", "0");
    Row("raw MySQL batched insert rows/s", $"{limits.MySqlRowsPerSecond:N0}");
    Row("single op p50 (call to row committed)", $"{latency.P50Ms:0.0} ms");
    Row("single op p95", $"{latency.P95Ms:0.0} ms");
    Row("single op p99", $"{latency.P99Ms:0.0} ms");
    Row(
        "single send during a verify flood, p50 / max",
        $"{flood.SendP50Ms:0} / {flood.SendMaxMs:0} ms",
        "2,000 ms",
        flood.SendMaxMs / 2000
    );
    Row(
        $"  verify-all calls from a read key: taken / 429",
        $"{flood.VerifyAccepted} / {flood.VerifyLimited}",
        $"{flood.VerifyCalls} calls"
    );
    Row($"broadcast enqueue to {broadcast.Clients} clients", $"{broadcast.EnqueueSeconds:0.000} s");
    Row(
        $"  payload stored for {broadcast.Clients} clients",
        $"{broadcast.PayloadMiB:0.0} MiB",
        $"{broadcast.SnapshotMiB:0.0} MiB",
        broadcast.PayloadMiB / broadcast.SnapshotMiB
    );
    Row(
        $"verify, {repair.Personnel:N0} rows, {repair.RowsWrong} wrong",
        $"{repair.VerifySeconds:0.000} s",
        $"{repair.VerifyBytes / 1024.0:N0} KiB moved"
    );
    Row($"  found missing / extra / different", $"{repair.Missing} / {repair.Extra} / {repair.Different}");
    Row(
        "  verify of a client in sync",
        $"{repair.InSyncVerifySeconds:0.000} s",
        $"{repair.InSyncVerifyBytes / 1024.0:N0} KiB moved"
    );
    Row("sync (repair by difference)", $"{repair.SyncSeconds:0.000} s", $"{repair.SyncRowsSent:N0} rows sent");
    Row(
        "replace (the same repair, whole table)",
        $"{repair.ReplaceSeconds:0.000} s",
        $"{repair.ReplaceRowsSent:N0} rows sent"
    );
    Row("peak RSS server during bulk", $"{bulk.ServerPeakRssMiB:0} MiB");
    Row("peak RSS per client during bulk (max)", $"{bulk.ClientPeakRssMiB.Max():0} MiB");
}

if (sections.Contains("cold"))
{
    var cold = await ColdStartBench.RunAsync(mariadb, 10_000, 2);
    results["coldStart"] = cold;
    Row(
        $"first bulk after start, {cold.Personnel:N0} x {cold.Clients}",
        $"{cold.ColdSeconds:0.000} s",
        $"{cold.WarmSeconds * 1.5:0.000} s",
        cold.ColdSeconds / (cold.WarmSeconds * 1.5)
    );
    Row("  its enqueue / the same bulk warm", $"{cold.ColdEnqueueSeconds:0.000} / {cold.WarmSeconds:0.000} s");
    Row("  warm enqueue", $"{cold.WarmEnqueueSeconds:0.000} s");
    Row(
        "  server ready after start / its RSS then",
        $"{cold.ServerReadySeconds:0.00} s / {cold.ServerIdleRssMiB:0} MiB"
    );
}

if (sections.Contains("import"))
{
    await using var stack = await BenchStack.StartAsync(mariadb, 1);
    var import = await ImportBench.RunAsync(stack.Api, personnel);
    results["import"] = import;
    Row(
        $"import {import.Rows:N0} new personnel (CSV)",
        $"{import.ImportSeconds:0.000} s",
        "3 s",
        import.ImportSeconds / 3
    );
    Row("  the same file again (all unchanged)", $"{import.UnchangedSeconds:0.000} s");
    Row("  export the register (CSV)", $"{import.ExportSeconds:0.000} s", $"{import.ExportBytes / 1048576.0:0.0} MiB");
}

if (sections.Contains("fleet"))
{
    var fleet = await FleetBench.RunAsync(mariadb, fleetSize);
    results["fleet"] = fleet;
    Row($"fleet of {fleet.Clients:N0}: idle MySQL queries/s", $"{fleet.IdleQueriesPerSecond:0.0}", "10");
    Row("  one personnel to all, acknowledged, p50", $"{fleet.FanOutP50Seconds:0.000} s");
    Row("  one personnel to all, acknowledged, p99", $"{fleet.FanOutP99Seconds:0.000} s");
    Row(
        "    CPU per fan-out: server / MySQL",
        $"{fleet.FanOutServerCpuSeconds:0.000}/{fleet.FanOutMySqlCpuSeconds:0.000} s"
    );
    Row($"  bulk {1000:N0} personnel x fleet", $"{fleet.BulkRowsPerSecond:N0} rows/s", $"{fleet.BulkSeconds:0.0} s");
    Row(
        "  accept all 100,000 personnel to all",
        $"{fleet.BroadcastAcceptSeconds:0.000} s",
        $"{fleet.BroadcastRowsWritten:N0} rows"
    );
    Row("    its answer", $"{fleet.BroadcastAnswerBytes:N0} bytes");
    Row("  server RSS idle / peak", $"{fleet.ServerIdleRssMiB:0} / {fleet.ServerPeakRssMiB:0} MiB", "600 MiB");
    Row("  server RSS delivering the 100,000 broadcast", $"{fleet.ServerBroadcastRssMiB:0} MiB");
    Dashboard("idle", fleet.DashboardIdle);
    Dashboard("busy", fleet.DashboardBusy);
    Row(
        "  delete one from all during it, acknowledged",
        $"{(fleet.Revocation.Finished ? "" : "> ")}{fleet.Revocation.MaxSeconds:0.0} s",
        "2 s",
        fleet.Revocation.MaxSeconds / 2
    );
    Row(
        "    clients that had acknowledged it in 2 s",
        $"{fleet.Revocation.WithinTarget:N0}",
        $"{fleet.Clients:N0}",
        fleet.Revocation.WithinTarget / (double)fleet.Clients
    );
    Row("    clients holding it once all acknowledged", $"{fleet.Revocation.HeldAfterAcknowledged}", "0");
}

if (sections.Contains("cluster"))
{
    var cluster = await ClusterBench.RunAsync(mariadb, personnel, 2);
    results["cluster"] = cluster;
    Row($"cluster: 3 Galera nodes up", $"{cluster.ClusterStartSeconds:0.0} s");
    Row(
        $"  bulk {cluster.Personnel:N0} x {cluster.Clients}, rows/s: cluster / single",
        $"{cluster.ClusterRowsPerSecond:N0}",
        $"{cluster.SingleRowsPerSecond:N0}",
        cluster.ClusterRowsPerSecond / cluster.SingleRowsPerSecond
    );
    Row(
        "  MySQL CPU during that bulk: cluster / single",
        $"{cluster.ClusterMySqlCpuSeconds:0.0} s",
        $"{cluster.SingleMySqlCpuSeconds:0.0} s"
    );
    Row(
        "  one idle instance, MySQL queries/s: cluster / single",
        $"{cluster.ClusterIdleQueriesPerSecond:0.0}",
        $"{cluster.SingleIdleQueriesPerSecond:0.0}"
    );
}

// The latest run in results.json, and every run kept in bench/runs/ so two can be compared (make bench-compare).
results["finishedAt"] = DateTime.UtcNow.ToString("O");
var json = JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true });
var path = Path.Combine(Repo.Root, "bench", "results.json");
var kept = Path.Combine(Repo.Root, "bench", "runs", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
await File.WriteAllTextAsync(path, json);
await File.WriteAllTextAsync(kept, json);
Console.WriteLine($"\nwritten to {path} and {kept}");

static int Setting(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

static void Row(string name, string value, string limit = "", double? ratio = null) =>
    Console.WriteLine($"{name, -44} {value, 14} {limit, 14} {(ratio is { } r ? r.ToString("P0") : ""), 7}");

// Each read the dashboard makes, against what #35 allows one (0.5 s) while the fleet is busy.
static void Dashboard(string when, DashboardTimes times)
{
    Row(
        $"  dashboard {when}: states / page / worst first",
        $"{times.States:0.000}/{times.Page:0.000}/{times.WorstFirstPage:0.000} s",
        "0.5 s",
        new[] { times.States, times.Page, times.WorstFirstPage }.Max() / 0.5
    );
    Row(
        "    operations / an operation's clients",
        $"{times.Operations:0.000}/{times.OperationClients:0.000} s",
        "0.5 s",
        Math.Max(times.Operations, times.OperationClients) / 0.5
    );
}
