using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A client that goes away while nothing is being sent to it: the server keeps an idle
/// connection to every client it holds and watches it, so the fleet view says "unreachable"
/// within seconds, not at the next delivery.
/// </summary>
[TakesAbout(90)]
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

    [Fact]
    public async Task AClientWhoseAddressIsCorrectedIsReachedWithinALinkCheckNotAfterTheBackOff()
    {
        await using var stack = new RelayStack(clients: 1, serverSettings: LongBackOff);
        await stack.StartAsync();
        var path = $"/clients/{stack.ClientIds[0]}";
        var client = stack.Clients[0];
        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "upToDate" && c["lastContactAt"] is not null,
            Seconds20,
            because: "the server connects to idle clients"
        );

        // A typo in the port: unreachable, and long enough for a back-off to have grown.
        await PutAddressAsync(stack, path, client.TcpHost, FreePort.Next());
        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "unreachable",
            Seconds20,
            because: "nothing listens on the wrong port"
        );
        await Task.Delay(TimeSpan.FromSeconds(6));

        await PutAddressAsync(stack, path, client.TcpHost, client.TcpPort);
        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "upToDate",
            TimeSpan.FromSeconds(5),
            because: "the corrected address is tried at the next link check (every second here)"
        );
    }

    [Fact]
    public async Task AClientThatReturnsWhileDeliveryIsPausedIsDeliveredToWithinALinkCheck()
    {
        await using var stack = new RelayStack(clients: 1, serverSettings: LongBackOff);
        await stack.StartAsync();
        var newton = await stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await stack.Clients[0].Process!.StopAsync();

        // Its retries are spent at once, and the worker pauses for the long MaxRetryDelay.
        using (var sent = await stack.Api.PutAsync($"/clients/{stack.ClientIds[0]}/personnel/{newton}", null))
        {
            Assert.Equal(202, (int)sent.StatusCode);
        }

        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync($"/clients/{stack.ClientIds[0]}"),
            c => State(c) == "unreachable",
            Seconds20,
            because: "the delivery attempts fail"
        );

        // More work wakes the worker for another round of failed attempts: enough failures to open a circuit
        // breaker, which must not hold the returning client back for its whole break.
        using (var again = await stack.Api.PutAsync($"/clients/{stack.ClientIds[0]}/personnel/{newton}", null))
        {
            Assert.Equal(202, (int)again.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));

        await stack.Clients[0].StartAsync();
        await Eventually.ReturnsAsync(
            stack.Clients[0].StoredRowsAsync,
            rows => rows.Length == 1,
            Seconds20,
            because: "the returning client is found at the next link check, not after the 60 s pause"
        );
    }

    [Fact]
    public async Task AnIdleClientIsHeardFromAndOneThatFreezesTurnsUnreachableThenBack()
    {
        await using var stack = new RelayStack(clients: 1);
        await stack.StartAsync();
        var path = $"/clients/{stack.ClientIds[0]}";
        var first = await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => c["lastContactAt"] is not null,
            Seconds20,
            because: "the server connects to idle clients"
        );

        // Nothing is sent, yet the last contact moves: the client answers the link checks (every second here).
        var connectedAt = first["lastContactAt"]!.GetValue<DateTime>();
        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => c["lastContactAt"]!.GetValue<DateTime>() >= connectedAt.AddSeconds(2),
            Seconds20,
            because: "an idle client is heard from at each link check"
        );

        // Frozen, its kernel still holds the connection and answers TCP keep-alive: only its silence tells.
        stack.Clients[0].Process!.Freeze();
        try
        {
            await Eventually.ReturnsAsync(
                () => stack.Api.JsonAsync(path),
                c => State(c) == "unreachable",
                TimeSpan.FromSeconds(30),
                because: "a client that does not answer its link check is unreachable"
            );
        }
        finally
        {
            stack.Clients[0].Process!.Thaw();
        }

        await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync(path),
            c => State(c) == "upToDate",
            TimeSpan.FromSeconds(30),
            because: "the thawed client answers again"
        );
    }

    /// <summary>Back-off and pauses of a minute: what a client comes back within must not depend on them.</summary>
    private static readonly Dictionary<string, string> LongBackOff = new()
    {
        ["Delivery:MaxRetryDelay"] = "00:01:00",
        ["Delivery:MaxRetryAttempts"] = "2",
        ["Delivery:BreakDuration"] = "00:01:00",
    };

    private static async Task PutAddressAsync(RelayStack stack, string path, string host, int port)
    {
        using var put = await stack.Api.PutAsJsonAsync(
            path,
            new
            {
                name = "Client #1",
                host,
                port,
            }
        );
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    private static string State(JsonObject client) => client["state"]!.GetValue<string>();
}
