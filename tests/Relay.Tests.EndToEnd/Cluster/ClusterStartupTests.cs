using Relay.Testing;

namespace Relay.Tests.EndToEnd.Cluster;

/// <summary>Server instances that start together on a cluster take turns at the schema, whichever node each talks
/// to.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStartupTests(ClusterFixture fixture)
{
    [Fact]
    public async Task InstancesStartedAtOnceOnEmptyDatabasesThroughDifferentNodesAllComeUp()
    {
        var cluster = await fixture.ClusterAsync();

        // A race lost once in a while is still a race: two fresh databases, three instances each.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var stack = new RelayStack(0, cluster: cluster);
            await stack.CreateDatabaseAsync(empty: true);
            var started = await Task.WhenAll(
                Enumerable.Range(1, GaleraCluster.Nodes).Select(node => stack.StartServerAsync(node))
            );
            Assert.All(started, s => Assert.False(s.Process.HasExited, s.Process.Output));
        }
    }
}
