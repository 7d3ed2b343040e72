using System.Diagnostics;
using Dapper;
using MySqlConnector;
using Relay.Fleet;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Three server instances on one MySQL and a simulated fleet: they share it evenly, and when one
/// is killed its clients are served again within the lease, with nothing applied twice and
/// nothing out of order.
/// </summary>
[Collection(FleetMeasurements.Name)]
public sealed class ScaleOutTests : IAsyncLifetime
{
    private const int Size = 300;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private readonly RelayStack _stack = new(
        0,
        serverSettings: new Dictionary<string, string>
        {
            ["Delivery:LeaseDuration"] = "00:00:03",
            ["Delivery:PollInterval"] = "00:00:00.500",
        }
    );

    private FleetSimulator _fleet = null!;

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        _fleet = FleetSimulator.Start(Size, FreePort.Next());
        await _fleet.RegisterWithAsync(_stack.Api, parallelism: 4);
        await _stack.SeedPersonnelAsync(40);
        await _stack.StartServerAsync();
        await _stack.StartServerAsync();
    }

    [Fact]
    public async Task ThreeInstancesShareTheFleetEvenlyAndAKilledOnesClientsAreServedAgainWithinTheLease()
    {
        var shares = await Eventually.ReturnsAsync(
            SharesAsync,
            s => s.Count == 3 && s.Values.All(n => n is >= Size * 9 / 30 and <= Size * 11 / 30),
            TimeSpan.FromSeconds(30),
            "each instance serves a third of the fleet, within 10 %"
        );

        var sent = 0;
        for (; sent < 10; sent++)
        {
            await SendAsync(sent + 1, wait: true);
        }

        // A stream of changes to everyone while one instance dies mid-way.
        var victim = _stack.Servers[2];
        var victimId = shares.Keys.Single(owner =>
            owner.Contains($"-{victim.Process.ProcessId}-", StringComparison.Ordinal)
        );
        var streamed = 0;
        var stream = Task.Run(async () =>
        {
            for (var i = 11; i <= 30; i++)
            {
                await SendAsync(i, wait: false);
                Interlocked.Increment(ref streamed);
                await Task.Delay(50);
            }
        });
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Volatile.Read(ref streamed)),
            n => n >= 5,
            because: "the stream is under way"
        );
        victim.Process.Kill();
        var killed = Stopwatch.StartNew();
        await stream;
        var lastQueued = killed.Elapsed;
        sent = 30;

        await Eventually.ReturnsAsync(
            () => Task.FromResult(_fleet.Clients.Count(c => c.Holds(sent))),
            n => n == Size,
            Lease + TimeSpan.FromSeconds(10),
            "every client holds the last change"
        );
        // The last change cannot arrive before it is queued: on a busy machine the stream itself
        // can outlast the lease, and then only the delivery after it is the instances' doing.
        var deadline = (lastQueued > Lease ? lastQueued : Lease) + TimeSpan.FromSeconds(2);
        Assert.True(
            killed.Elapsed <= deadline,
            $"the killed instance's clients held the last change {killed.Elapsed.TotalSeconds:0.0} s after the kill "
                + $"(queued at {lastQueued.TotalSeconds:0.0} s); the lease is {Lease.TotalSeconds} s"
        );

        var after = await SharesAsync();
        Assert.DoesNotContain(victimId, after.Keys);
        Assert.Equal(Size, after.Values.Sum());
        Assert.All(_fleet.Clients, c =>
        {
            Assert.Equal(0, c.OutOfOrder);
            Assert.Equal(sent, c.Applied);
            Assert.Equal(sent, c.Rows);
        });
    }

    private async Task SendAsync(long personnelId, bool wait)
    {
        using var response = await _stack
            .Servers[0]
            .Api.PutAsync($"/clients/all/personnel/{personnelId}{(wait ? "?wait=30" : "")}", null);
        Assert.True((int)response.StatusCode is 200 or 202, $"answered {(int)response.StatusCode}");
    }

    private async Task<Dictionary<string, int>> SharesAsync()
    {
        await using var db = new MySqlConnection(_stack.ConnectionString);
        return (
            await db.QueryAsync<(string Owner, int Clients)>(
                "SELECT lease_owner, COUNT(*) FROM clients WHERE lease_expires_at > UTC_TIMESTAMP(6) GROUP BY lease_owner"
            )
        ).ToDictionary(r => r.Owner, r => r.Clients);
    }

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        await _stack.DisposeAsync();
    }
}
