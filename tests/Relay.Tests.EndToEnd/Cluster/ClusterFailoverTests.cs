using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using Relay.Testing;
using Xunit.Abstractions;

namespace Relay.Tests.EndToEnd.Cluster;

/// <summary>
/// A node of the cluster dies, or drops out of the primary component, under an instance that is
/// serving: its callers see a 503 that says to retry, never a 500 or a hang; it moves on to a
/// node that takes writes; and what was accepted reaches every client once the node is back.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverTests(ClusterFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    // Longer than the 3 s the others take to evict a killed node, which goes on under the lease.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    private GaleraCluster _cluster = null!;
    private RelayStack _stack = null!;
    private long[] _ids = [];

    private ServerInstance A => _stack.Servers[0];

    private ServerInstance B => _stack.Servers[1];

    public async Task InitializeAsync()
    {
        _cluster = await fixture.ClusterAsync();
        _stack = new RelayStack(
            2,
            cluster: _cluster,
            serverSettings: new Dictionary<string, string> { ["Delivery:LeaseDuration"] = Lease.ToString() }
        );
        await _stack.StartAsync();
        await _stack.StartServerAsync(node: 2);
        _ids = await _stack.SeedPersonnelAsync(200);
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        for (var node = 1; node <= GaleraCluster.Nodes; node++)
        {
            if (!_cluster.IsRunning(node))
            {
                await _cluster.StartAgainAsync(node);
            }
        }
    }

    [Fact]
    public async Task WhenItsNodeIsKilledAnInstanceAnswers503BrieflyThenServesThroughAnotherNode()
    {
        var calls = new List<(TimeSpan At, TimeSpan Took, int Status, string Body, string? RetryAfter)>();
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt = default;
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            if (i == 20)
            {
                _cluster.Kill(2);
                killedAt = clock.Elapsed;
            }

            var started = clock.Elapsed;
            using var response = await B.Api.PutAsync($"/clients/all/personnel/{_ids[i % _ids.Length]}", null);
            calls.Add(
                (
                    started,
                    clock.Elapsed - started,
                    (int)response.StatusCode,
                    await response.Content.ReadAsStringAsync(),
                    response.Headers.RetryAfter?.ToString()
                )
            );
            if (i > 20 && calls.TakeLast(10).Count(c => c.Status is 200 or 202) == 10)
            {
                break;
            }
        }

        var report = string.Join(
            '\n',
            calls.Select(c =>
                $"{c.At.TotalSeconds:0.00}s +{c.Took.TotalMilliseconds:0}ms {c.Status} {c.Body[..Math.Min(c.Body.Length, 160)]}"
            )
        );
        Assert.All(calls, c => Assert.True(c.Status is 200 or 202 or 503, $"answered {c.Status}:\n{report}"));
        Assert.All(calls, c =>
            Assert.True(c.Took < TimeSpan.FromSeconds(10), $"a call took {c.Took.TotalSeconds:0.0} s:\n{report}")
        );
        Assert.All(calls.Where(c => c.Status == 503), c =>
            Assert.False(string.IsNullOrEmpty(c.RetryAfter), $"a 503 without Retry-After:\n{report}")
        );
        Assert.True(
            calls.TakeLast(10).All(c => c.Status is 200 or 202),
            $"B never served again through another node:\n{report}"
        );
        var lastRefused = calls.LastOrDefault(c => c.Status == 503).At;
        var refusedCount = calls.Count(c => c.Status == 503);
        output.WriteLine(
            $"{refusedCount} calls refused{(refusedCount > 0 ? $", the last {(lastRefused - killedAt).TotalSeconds:0.00} s after the kill" : "")}; slowest call {calls.Max(c => c.Took).TotalMilliseconds:0} ms"
        );
        Assert.True(
            lastRefused - killedAt < TimeSpan.FromSeconds(15),
            $"B still refused calls {(lastRefused - killedAt).TotalSeconds:0.0} s after its node died:\n{report}"
        );

        await _cluster.StartAgainAsync(2);
        await AssertInSyncAsync(A);
        await AssertInSyncAsync(B);
    }

    [Fact]
    public async Task WhenAnInstanceAndItsNodeDieTogetherTheOtherServesItsClientsWithinTheLease()
    {
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{_ids[0]}?wait=30");

        // The machine that ran B and node 2 goes away at once.
        B.Process.Kill();
        _cluster.Kill(2);
        var killed = Stopwatch.StartNew();

        var (status, body) = await A.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{_ids[1]}?wait=30");
        Assert.True(status == 200, $"answered {status}: {body.ToJsonString()}\n{_stack.Diagnostics()}");
        output.WriteLine(
            $"every client held the change {killed.Elapsed.TotalSeconds:0.00} s after B and its node died"
        );
        Assert.True(
            killed.Elapsed <= Lease + TimeSpan.FromSeconds(2),
            $"every client held the change {killed.Elapsed.TotalSeconds:0.0} s after B and its node died; the lease is {Lease.TotalSeconds} s"
        );

        await _cluster.StartAgainAsync(2);
        await AssertInSyncAsync(A);
    }

    [Fact]
    public async Task ANodeOutsideThePrimaryComponentMakesItsInstanceNotReadyAndAnswer503()
    {
        await SetIsolatedAsync(2, true);
        try
        {
            await Eventually.ReturnsAsync(
                () => WsrepReadyAsync(2),
                ready => !ready,
                TimeSpan.FromSeconds(30),
                "node 2 leaves the primary component"
            );

            using var health = await B.Api.GetAsync("/health/ready");
            Assert.Equal(503, (int)health.StatusCode);

            using var refused = await B.Api.PutAsync($"/clients/all/personnel/{_ids[2]}", null);
            var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(503, (int)refused.StatusCode);
            Assert.Equal("The database takes no writes now.", problem!["title"]!.GetValue<string>());
            Assert.NotNull(refused.Headers.RetryAfter);

            // The other instance serves every client meanwhile, B's included once its lease runs out.
            var (status, body) = await A.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{_ids[3]}?wait=30");
            Assert.True(status == 200, $"answered {status}: {body.ToJsonString()}");
        }
        finally
        {
            await SetIsolatedAsync(2, false);
        }

        await Eventually.ReturnsAsync(
            () => WsrepReadyAsync(2),
            ready => ready,
            TimeSpan.FromSeconds(60),
            "node 2 rejoins the primary component"
        );
        await Eventually.ReturnsAsync(
            async () => (int)(await B.Api.GetAsync("/health/ready")).StatusCode,
            s => s == 200,
            TimeSpan.FromSeconds(30),
            "B is ready again"
        );
        await AssertInSyncAsync(B);
    }

    [Fact]
    public async Task AfterEveryNodeDiesWithinASecondUnderLoadNothingAcceptedIsLostAndTheFleetConverges()
    {
        using var stop = new CancellationTokenSource();
        var answers = new List<(int Status, string Body)>();
        var load = Enumerable
            .Range(0, 4)
            .Select(worker =>
                Task.Run(async () =>
                {
                    for (var i = worker; !stop.IsCancellationRequested; i += 4)
                    {
                        var instance = i % 2 == 0 ? A : B;
                        try
                        {
                            using var response = await instance.Api.PutAsync(
                                $"/clients/all/personnel/{_ids[i % _ids.Length]}",
                                null
                            );
                            var body = await response.Content.ReadAsStringAsync();
                            lock (answers)
                            {
                                answers.Add(((int)response.StatusCode, body));
                            }
                        }
                        catch (HttpRequestException)
                        {
                            // Never expected: the instances stay up; an answer is checked below.
                            lock (answers)
                            {
                                answers.Add((0, "no answer"));
                            }
                        }

                        await Task.Delay(20);
                    }
                })
            )
            .ToArray();

        int Answered()
        {
            lock (answers)
            {
                return answers.Count;
            }
        }

        await Eventually.ReturnsAsync(
            () => Task.FromResult(Answered()),
            n => n >= 20,
            TimeSpan.FromSeconds(30),
            "the load is under way"
        );
        for (var node = 1; node <= GaleraCluster.Nodes; node++)
        {
            _cluster.Kill(node);
            await Task.Delay(300);
        }

        // The load goes on into the outage, until the calls made while every node was down have answered.
        var atOutage = Answered();
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Answered()),
            n => n >= atOutage + 4,
            TimeSpan.FromSeconds(60),
            "calls made during the outage answered"
        );
        await stop.CancelAsync();
        await Task.WhenAll(load);
        await _cluster.StartAllAgainAsync();

        var report = string.Join(
            '\n',
            answers.Where(a => a.Status is not (200 or 202)).Select(a => $"{a.Status} {a.Body}").Distinct()
        );
        output.WriteLine(
            $"{answers.Count} calls, {answers.Count(a => a.Status is 200 or 202)} accepted; the others:\n{report}"
        );
        Assert.All(answers, a => Assert.True(a.Status is 200 or 202 or 503, $"answered {a.Status}: {a.Body}"));

        // Both instances find the cluster again on their own, and every operation they accepted is still there.
        foreach (var instance in _stack.Servers)
        {
            await Eventually.ReturnsAsync(
                async () => (int)(await instance.Api.GetAsync("/health/ready")).StatusCode,
                s => s == 200,
                TimeSpan.FromSeconds(30),
                "the instance is ready again"
            );
        }

        foreach (var accepted in answers.Where(a => a.Status is 200 or 202))
        {
            var id = JsonNode.Parse(accepted.Body)!["id"]!.GetValue<long>();
            using var operation = await A.Api.GetAsync($"/operations/{id}");
            Assert.True(
                operation.IsSuccessStatusCode,
                $"operation {id} was accepted before the outage and is gone after it ({(int)operation.StatusCode})"
            );
        }

        await AssertInSyncAsync(A);
    }

    /// <summary>Cuts a node off from the others (Galera's own <c>gmcast.isolate</c>) or lets it back.</summary>
    private async Task SetIsolatedAsync(int node, bool isolated)
    {
        await using var root = await _cluster.OpenRootAsync(node);
        await using var command = new MySqlCommand(
            $"SET GLOBAL wsrep_provider_options = 'gmcast.isolate={(isolated ? 1 : 0)}'",
            root
        );
        await command.ExecuteNonQueryAsync();
    }

    private async Task<bool> WsrepReadyAsync(int node)
    {
        await using var root = await _cluster.OpenRootAsync(node);
        await using var command = new MySqlCommand("SHOW GLOBAL STATUS LIKE 'wsrep_ready'", root);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() && reader.GetString(1) == "ON";
    }

    private async Task AssertInSyncAsync(ServerInstance through)
    {
        var (status, fleet) = await through.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=60");
        Assert.True(
            status == 200 && fleet["inSync"]?.GetValue<bool>() == true,
            $"verify answered {status}: {fleet.ToJsonString()}\n{_stack.Diagnostics()}"
        );
    }
}
