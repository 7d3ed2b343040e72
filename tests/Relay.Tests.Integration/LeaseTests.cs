using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace Relay.Tests.Integration;

/// <summary>
/// Two server instances on one database share the clients through leases. Each renews and
/// reconciles once per poll interval of its own clock, so the hand-over is driven step by step by
/// moving each instance's clock, with the leases read from MySQL.
/// </summary>
public sealed class LeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clockA = new();
    private readonly FakeTimeProvider _clockB = new();
    private readonly ServerApp _a;
    private readonly ServerApp _b;

    public LeaseTests()
    {
        _a = Instance("a", _clockA);
        _b = Instance("b", _clockB).OnDatabaseOf(_a);
    }

    public async Task InitializeAsync()
    {
        await _a.InitializeAsync();
        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task AJoiningInstanceGetsItsFairShareAtThePollsOfBothClocksAndTheLastOneLeftTakesAll()
    {
        var api = _a.CreateClient();
        for (var i = 1; i <= 4; i++)
        {
            // Nothing listens on ports 1-4: the clients stay unreachable, which leases do not mind.
            await api.CreateClientAsync($"site-{i}", i);
        }

        await HeldAsync("a:4", because: "a registration wakes the only instance, which takes every client");

        _b.CreateClient();
        await Eventually.ReturnsAsync(
            InstancesAsync,
            n => n == 2,
            because: "the second instance has started and beaten once"
        );
        Assert.Equal("a:4", await LeasesAsync());

        _clockA.Advance(Poll);
        await HeldAsync("a:2 free:2", because: "at its next poll the first instance hands over what exceeds its share");

        _clockB.Advance(Poll);
        await HeldAsync("a:2 b:2", because: "at its next poll the second instance takes the free clients");

        await _b.DisposeAsync();
        await HeldAsync("a:2 free:2", because: "an instance that stops gives its clients back");

        _clockA.Advance(Poll);
        await HeldAsync("a:4", because: "the instance left takes them at its next poll");
    }

    private static ServerApp Instance(string id, FakeTimeProvider clock) =>
        new ServerApp()
            .WithClock(clock)
            .With("Delivery:Enabled", "true")
            .With("Delivery:InstanceId", id)
            .With("Delivery:PollInterval", Poll.ToString())
            .With("Delivery:LeaseDuration", "00:01:00");

    private Task HeldAsync(string leases, string because) =>
        Eventually.ReturnsAsync(LeasesAsync, held => held == leases, because: because);

    private async Task<string> LeasesAsync()
    {
        await using var db = await _a.OpenDatabaseAsync();
        var held = await db.QueryAsync<(string Owner, long Count)>(
            "SELECT COALESCE(lease_owner, 'free'), COUNT(*) FROM clients GROUP BY lease_owner ORDER BY lease_owner IS NULL, lease_owner"
        );
        return string.Join(' ', held.Select(h => $"{h.Owner}:{h.Count}"));
    }

    private async Task<long> InstancesAsync()
    {
        await using var db = await _a.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM server_instances");
    }
}
