using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd.Cluster;

/// <summary>
/// Relay as a multi-writer citizen of a 3-node Galera cluster: instance A writes through node 1,
/// instance B through node 2, and what they accept reaches every client exactly once and in order.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture) : IAsyncLifetime
{
    private RelayStack _stack = null!;

    private ServerInstance A => _stack.Servers[0];

    private ServerInstance B => _stack.Servers[1];

    public async Task InitializeAsync()
    {
        var cluster = await fixture.ClusterAsync();
        _stack = new RelayStack(
            4,
            cluster: cluster,
            serverSettings: new Dictionary<string, string> { ["Delivery:LeaseDuration"] = "00:00:03" }
        );
        await _stack.StartAsync();
        await _stack.StartServerAsync(node: 2);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task PersonnelSentHalfThroughEachInstanceReachEveryClientInSync()
    {
        var ids = await _stack.SeedPersonnelAsync(600);

        // Each personnel once to every client, half through A and half through B, eight calls at a time.
        var answers = await AllAsync(ids.Index(), 8, p =>
            (p.Index % 2 == 0 ? A : B).Api.PutAsync($"/clients/all/personnel/{p.Item}", null)
        );
        Assert.All(answers, a => Assert.True(a.Status is 200 or 202, $"PUT answered {a.Status}: {a.Body}"));

        await AssertInSyncAsync();
    }

    [Fact]
    public async Task EditsThroughBothInstancesNeverLetAnOlderValueOvertakeANewerOne()
    {
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await A.Api.CreatePersonnelAsync($"Edit{i}", "Round0", $"{70_000_000_000L + i:D11}"));
        }

        // Every round edits each personnel through one instance and sends it through the other, at once for all of
        // them.
        for (var round = 1; round <= 8; round++)
        {
            var answers = await AllAsync(ids, ids.Count, async id =>
            {
                var (writer, sender) = (id + round) % 2 == 0 ? (A, B) : (B, A);
                using var edit = await writer.Api.PutAsJsonAsync(
                    $"/personnel/{id}",
                    new
                    {
                        name = $"Edit{id}",
                        surname = $"Round{round}",
                        ssn = $"{70_000_000_000L + ids.IndexOf(id):D11}",
                    }
                );
                Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
                return await sender.Api.PutAsync($"/clients/all/personnel/{id}", null);
            });
            Assert.All(answers, a => Assert.True(a.Status is 200 or 202, $"PUT answered {a.Status}: {a.Body}"));
        }

        await AssertInSyncAsync();
        foreach (var client in _stack.Clients)
        {
            Assert.All(await client.StoredRowsAsync(), row => Assert.Equal("Round8", row.Surname));
        }
    }

    [Fact]
    public async Task MixedLoadThroughBothInstancesIsAcceptedWholeAndDeliveredWithoutStalling()
    {
        var ids = await _stack.SeedPersonnelAsync(300);

        // Everything at once through both nodes: certification conflicts are certain, and each is retried whole.
        var calls = Enumerable
            .Range(0, 400)
            .Select(i =>
                (Instance: i % 2 == 0 ? A : B, Kind: i % 5, Id: ids[i % ids.Length], Client: _stack.ClientIds[i % 4])
            )
            .ToList();
        Task<HttpResponseMessage> Send((ServerInstance Instance, int Kind, long Id, long Client) call) =>
            call.Kind switch
            {
                0 => call.Instance.Api.PutAsync("/clients/all/personnel", null),
                1 => call.Instance.Api.DeleteAsync($"/clients/{call.Client}/personnel/{call.Id}"),
                2 => call.Instance.Api.PutAsync($"/clients/{call.Client}/personnel/{call.Id}", null),
                _ => call.Instance.Api.PutAsync($"/clients/all/personnel/{call.Id}", null),
            };
        var answers = await AllAsync(calls, 12, Send);

        // A call that loses certification more times in a row than the retries allow is refused
        // as "busy, retry": rarely, whole, and never as an outcome nobody can tell. Sent again, it is accepted.
        Assert.DoesNotContain(answers, a => a.Body.Contains("cannot tell which", StringComparison.Ordinal));
        var refused = answers.Where(a => a.Status is not (200 or 202)).ToList();
        Assert.True(
            refused.Count <= answers.Count / 100,
            $"{refused.Count} of {answers.Count} calls were refused, e.g. {refused.FirstOrDefault().Status}: {refused.FirstOrDefault().Body}"
        );
        Assert.All(refused, r =>
            Assert.True(
                r.Status == 503 && r.Body.Contains("The database is busy.", StringComparison.Ordinal),
                $"refused as {r.Status}: {r.Body}"
            )
        );
        var again = await AllAsync(refused.Select(r => r.Item), 1, Send);
        Assert.All(again, a => Assert.True(a.Status is 200 or 202, $"sent again, answered {a.Status}: {a.Body}"));

        // Whatever each client was sent last decides what it holds: verify knows that, and the sender must have
        // delivered it all.
        await AssertInSyncAsync();
        Assert.DoesNotContain("KeyNotFoundException", _stack.Diagnostics(), StringComparison.Ordinal);
    }

    private async Task AssertInSyncAsync()
    {
        var (status, fleet) = await B.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=60");
        Assert.True(
            status == 200 && fleet["inSync"]?.GetValue<bool>() == true,
            $"verify answered {status}: {fleet.ToJsonString()}\n{_stack.Diagnostics()}"
        );
    }

    /// <summary>Runs the calls, <paramref name="parallel"/> at a time, and returns each with its answer's status and
    /// body.</summary>
    private static async Task<List<(T Item, int Status, string Body)>> AllAsync<T>(
        IEnumerable<T> items,
        int parallel,
        Func<T, Task<HttpResponseMessage>> call
    )
    {
        var answers = new List<(T, int, string)>();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (item, _) =>
        {
            using var response = await call(item);
            var body = await response.Content.ReadAsStringAsync();
            lock (answers)
            {
                answers.Add((item, (int)response.StatusCode, body));
            }
        });
        return answers;
    }
}
