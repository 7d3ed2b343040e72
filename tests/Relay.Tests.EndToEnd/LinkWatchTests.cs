using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A client that goes away while nothing is being sent to it: the server keeps an idle
/// connection to every client it holds and watches it, so the fleet view says "unreachable"
/// within seconds, not at the next delivery.
/// </summary>
public sealed class LinkWatchTests
{
    private static readonly TimeSpan Seconds20 = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AClientThatStopsWithNothingToSendTurnsUnreachableAndBackWhenItReturns()
    {
        await using var stack = new RelayStack(clients: 1);
        await stack.StartAsync();
        var path = $"/clients/{stack.ClientIds[0]}";

        // Nothing was ever sent to it: the server connected anyway.
        var connected = await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => c["lastContactAt"] is not null,
            Seconds20,
            because: "the server connects to idle clients"
        );
        Assert.Equal("upToDate", connected["state"]!.GetValue<string>());

        await stack.Clients[0].Process!.StopAsync();
        var down = await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "unreachable",
            Seconds20,
            because: "the server notices the closed connection"
        );
        Assert.Equal(0, down["pendingMessages"]!.GetValue<int>());
        Assert.NotNull(down["unreachableSince"]);
        Assert.False(string.IsNullOrEmpty(down["lastError"]?.GetValue<string>()), down.ToJsonString());
        Assert.Equal(1, (await stack.Api.JsonAsync("/clients/states"))["unreachable"]!.GetValue<int>());

        await stack.Clients[0].StartAsync();
        var back = await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "upToDate",
            Seconds20,
            because: "the server reconnects"
        );
        Assert.Null(back["unreachableSince"]);
        Assert.Null(back["lastError"]);
    }

    [Fact]
    public async Task AnIdleClientCutOffByTheNetworkTurnsUnreachable()
    {
        await using var stack = new RelayStack(clients: 1, isolatedClients: 1);
        await stack.StartAsync();
        var path = $"/clients/{stack.ClientIds[0]}";
        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => c["lastContactAt"] is not null,
            Seconds20,
            because: "the server connects to idle clients"
        );

        // Dropped packets close nothing: TCP keep-alive finds the connection dead.
        await stack.Clients[0].Host!.CutAsync(stack.Clients[0].TcpPort);
        var down = await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "unreachable",
            Seconds20,
            because: "keep-alive gives up on the connection"
        );
        Assert.Equal(0, down["pendingMessages"]!.GetValue<int>());

        await stack.Clients[0].Host!.HealAsync();
        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "upToDate",
            TimeSpan.FromSeconds(30),
            because: "the server reconnects after the heal"
        );
    }

    private static string State(JsonObject client) => client["state"]!.GetValue<string>();
}
