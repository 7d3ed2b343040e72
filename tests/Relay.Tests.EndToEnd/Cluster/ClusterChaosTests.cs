using Relay.Testing;
using Xunit.Abstractions;

namespace Relay.Tests.EndToEnd.Cluster;

/// <summary>
/// The chaos run on the Galera cluster: two instances on nodes 1 and 2, and among the faults
/// (instances and clients killed, links cut) Galera nodes killed with SIGKILL and started again.
/// Every client must end holding what the model says. <c>make chaos</c> runs it long too.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterChaosTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ARandomStreamWithGaleraNodesKilledEndsWithEveryClientHoldingWhatTheModelSays()
    {
        var cluster = await fixture.ClusterAsync();
        // Shorter than the single-server run in `make test` (a node kill and rejoin is most of it); `make chaos` runs
        // it long.
        var (seed, seconds) = ChaosTests.Settings(output, seconds: 12);
        await using var stack = new RelayStack(
            ChaosTests.ClientCount,
            serverSettings: ChaosTests.ServerSettings,
            isolatedClients: ChaosTests.ClientCount,
            cluster: cluster
        );
        try
        {
            await ChaosTests.RunAndCheckAsync(
                stack,
                new ChaosRun(stack, new Random(seed), output) { Cluster = cluster },
                seed,
                seconds,
                output
            );
        }
        finally
        {
            for (var node = 1; node <= GaleraCluster.Nodes; node++)
            {
                if (!cluster.IsRunning(node))
                {
                    await cluster.StartAgainAsync(node);
                }
            }
        }
    }
}
