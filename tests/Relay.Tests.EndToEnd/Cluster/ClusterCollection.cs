using Relay.Testing;

namespace Relay.Tests.EndToEnd.Cluster;

/// <summary>The cluster suite's classes share one cluster and take turns: some of them kill its nodes.</summary>
[CollectionDefinition(Name)]
[TakesAbout(230)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Galera cluster";
}

/// <summary>The 3-node cluster of this test run, started by the first class that needs it.</summary>
public sealed class ClusterFixture
{
    public Task<GaleraCluster> ClusterAsync() => GaleraCluster.Shared;
}
