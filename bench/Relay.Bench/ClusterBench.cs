using System.Diagnostics;
using Relay.Testing;

namespace Relay.Bench;

public sealed record ClusterResult(
    int Personnel,
    int Clients,
    double ClusterStartSeconds,
    double SingleRowsPerSecond,
    double ClusterRowsPerSecond,
    double SingleIdleQueriesPerSecond,
    double ClusterIdleQueriesPerSecond,
    double SingleMySqlCpuSeconds,
    double ClusterMySqlCpuSeconds
);

/// <summary>
/// The same bulk and the same idle instance on one MariaDB and on a private 3-node Galera cluster
/// (the instance writing through node 1), in the same run: what the cluster costs.
/// </summary>
public static class ClusterBench
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    public static async Task<ClusterResult> RunAsync(MariaDbServer single, int personnel, int clients)
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await GaleraCluster.StartAsync();
        var started = watch.Elapsed.TotalSeconds;

        // Alternating, best of two each: the first run on either database pays for cold caches.
        var onSingle = await MeasureAsync(single, personnel, clients);
        var onCluster = await MeasureAsync(cluster, personnel, clients);
        onSingle = Best(onSingle, await MeasureAsync(single, personnel, clients));
        onCluster = Best(onCluster, await MeasureAsync(cluster, personnel, clients));

        return new ClusterResult(
            personnel,
            clients,
            started,
            onSingle.Bulk.RowsPerSecond,
            onCluster.Bulk.RowsPerSecond,
            onSingle.IdleQueriesPerSecond,
            onCluster.IdleQueriesPerSecond,
            onSingle.Bulk.MySqlCpuSeconds,
            onCluster.Bulk.MySqlCpuSeconds
        );
    }

    private static (BulkResult Bulk, double IdleQueriesPerSecond) Best(
        (BulkResult Bulk, double Idle) a,
        (BulkResult Bulk, double Idle) b
    ) => a.Bulk.RowsPerSecond >= b.Bulk.RowsPerSecond ? a : b;

    private static async Task<(BulkResult Bulk, double IdleQueriesPerSecond)> MeasureAsync(
        IDatabaseHost database,
        int personnel,
        int clients
    )
    {
        await using var stack = await BenchStack.StartAsync(database, clients);

        // Settled first (start-up's migrations and first lease round), then counted; the count
        // includes the probe's own statement on each node, under 0.3/s over this window.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await database.QuestionsAsync();
        await Task.Delay(IdleWindow);
        var idle = (await database.QuestionsAsync() - before) / IdleWindow.TotalSeconds;

        await stack.SeedPersonnelAsync(personnel);
        return (await stack.BulkAsync(personnel), idle);
    }
}
