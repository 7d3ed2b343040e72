using System.Diagnostics;
using System.Text.Json;
using Relay.Bench;
using Relay.Testing;

// `make bench`: a fresh stack on private ports, measured end to end on this machine, next to
// the raw limits of SQLite and MySQL measured in the same run.
var personnel = int.TryParse(Environment.GetEnvironmentVariable("RELAY_BENCH_PERSONNEL"), out var p) ? p : 100_000;
var clients = int.TryParse(Environment.GetEnvironmentVariable("RELAY_BENCH_CLIENTS"), out var c) ? c : 4;
var singles = int.TryParse(Environment.GetEnvironmentVariable("RELAY_BENCH_SINGLE_OPS"), out var s) ? s : 1000;

Console.WriteLine($"Relay bench: {personnel:N0} personnel, {clients} clients, {singles:N0} single operations; {Environment.ProcessorCount} cores");
await using var mariadb = await MariaDbServer.StartAsync();
var limits = await Limits.MeasureAsync(mariadb);
await using var stack = await BenchStack.StartAsync(mariadb, clients);
await stack.SeedPersonnelAsync(personnel);

var bulk = await stack.BulkAsync(personnel);
var repair = await RepairBench.RunAsync(stack, clients - 1, personnel);
var latency = await stack.LatencyAsync(singles);
var broadcast = await stack.BroadcastAsync(100);

var results = new
{
    machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString(), dotnet = Environment.Version.ToString() },
    personnel,
    clients,
    bulk,
    latency,
    broadcast,
    repair,
    limits,
};

Console.WriteLine();
Console.WriteLine($"{"measure",-44} {"value",14} {"limit",14} {"ratio",7}");
Row("bulk enqueue (PUT /clients/all/personnel)", $"{bulk.EnqueueSeconds:0.000} s");
Row("bulk end to end (call to last row committed)", $"{bulk.EndToEndSeconds:0.000} s");
Row("bulk personnel-rows/s end to end", $"{bulk.RowsPerSecond:N0}", $"{limits.SqliteRowsPerSecond:N0}", bulk.RowsPerSecond / limits.SqliteRowsPerSecond);
Row("  CPU during bulk: server / clients / MySQL", $"{bulk.ServerCpuSeconds:0.0}/{bulk.ClientsCpuSeconds:0.0}/{bulk.MySqlCpuSeconds:0.0} s", $"{bulk.EndToEndSeconds * Environment.ProcessorCount:0.0} s");
Row("raw MySQL batched insert rows/s", $"{limits.MySqlRowsPerSecond:N0}");
Row("single op p50 (call to row committed)", $"{latency.P50Ms:0.0} ms");
Row("single op p95", $"{latency.P95Ms:0.0} ms");
Row("single op p99", $"{latency.P99Ms:0.0} ms");
Row($"broadcast enqueue to {broadcast.Clients} clients", $"{broadcast.EnqueueSeconds:0.000} s");
Row($"  payload stored for {broadcast.Clients} clients", $"{broadcast.PayloadMiB:0.0} MiB", $"{broadcast.SnapshotMiB:0.0} MiB", broadcast.PayloadMiB / broadcast.SnapshotMiB);
Row($"verify, {repair.Personnel:N0} rows, {repair.RowsWrong} wrong", $"{repair.VerifySeconds:0.000} s", $"{repair.VerifyBytes / 1024.0:N0} KiB moved");
Row($"  found missing / extra / different", $"{repair.Missing} / {repair.Extra} / {repair.Different}");
Row("  verify of a client in sync", $"{repair.InSyncVerifySeconds:0.000} s", $"{repair.InSyncVerifyBytes / 1024.0:N0} KiB moved");
Row("sync (repair by difference)", $"{repair.SyncSeconds:0.000} s", $"{repair.SyncRowsSent:N0} rows sent");
Row("replace (the same repair, whole table)", $"{repair.ReplaceSeconds:0.000} s", $"{repair.ReplaceRowsSent:N0} rows sent");
Row("peak RSS server during bulk", $"{bulk.ServerPeakRssMiB:0} MiB");
Row("peak RSS per client during bulk (max)", $"{bulk.ClientPeakRssMiB.Max():0} MiB");

var path = Path.Combine(Repo.Root, "bench", "results.json");
await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"\nwritten to {path}");

static void Row(string name, string value, string limit = "", double? ratio = null) =>
    Console.WriteLine($"{name,-44} {value,14} {limit,14} {(ratio is { } r ? r.ToString("P0") : ""),7}");
