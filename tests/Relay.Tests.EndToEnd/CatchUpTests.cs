using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

public sealed class CatchUpTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 2);

    public Task InitializeAsync() => _stack.StartAsync(startClients: false);

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task AClientThatStartsAfterMessagesWereQueuedReceivesThemInOrder()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        await _stack.CreatePersonnelAsync("Marie", "Curie", "11122233344");
        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel");
        await _stack.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{newton}");

        // Client 1 comes up while client 2 stays down; then client 2 after its retries have backed off.
        await _stack.Clients[0].StartAsync();
        var first = await Eventually.ReturnsAsync(
            _stack.Clients[0].ListedSsnsAsync,
            s => s.Length == 2,
            because: "client 1 catches up"
        );
        await Eventually.ReturnsAsync(
            () => _stack.Api.JsonAsync($"/clients/{_stack.ClientIds[1]}"),
            UnreachableForASecond,
            because: "the server has been failing to reach client 2 for a second, its retries backing off"
        );
        await _stack.Clients[1].StartAsync();
        var second = await Eventually.ReturnsAsync(
            _stack.Clients[1].ListedSsnsAsync,
            s => s.Length == 2,
            because: "client 2 catches up"
        );

        Assert.Equal(["11122233344", "98765432100"], first);
        Assert.Equal(["11122233344", "98765432100"], second);
    }

    /// <summary>The server's times are UTC, written without an offset.</summary>
    private static bool UnreachableForASecond(JsonObject client) =>
        client["state"]!.GetValue<string>() == "unreachable"
        && client["lastError"] is not null
        && DateTime.UtcNow - DateTime.SpecifyKind(client["unreachableSince"]!.GetValue<DateTime>(), DateTimeKind.Utc)
            > TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ARestartedClientKeepsWhatItHadAndGetsWhatWasQueuedWhileItWasDown()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        var client = _stack.Clients[0];
        await client.StartAsync();
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[0]}/personnel/{newton}");
        await Eventually.ReturnsAsync(client.ListedSsnsAsync, s => s.Length == 1);

        Assert.Equal(0, await client.Process!.StopAsync());
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[0]}/personnel/{einstein}");
        await client.StartAsync();

        var ssns = await Eventually.ReturnsAsync(client.ListedSsnsAsync, s => s.Length == 2);
        Assert.Equal(["12345678900", "98765432100"], ssns);
    }
}
