using System.Globalization;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

public sealed class LifecycleTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(
        clients: 1,
        serverSettings: new Dictionary<string, string> { ["Outbox:BatchSize"] = "1" }
    );

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task StoppingServerAndClientWithSigtermMidStreamLosesNothing()
    {
        var people = new List<long>();
        for (var i = 0; i < 150; i++)
        {
            people.Add(await _stack.CreatePersonnelAsync($"P{i}", "Stream", $"8{i:D10}"));
        }

        // 150 messages of one personnel each; stop both ends while they flow.
        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel");
        await Eventually.ReturnsAsync(
            _stack.Clients[0].StoredRowsAsync,
            rows => rows.Length >= 10,
            because: "the stream has started"
        );

        var stopping = DateTime.UtcNow;
        Assert.Equal(0, await _stack.Server.Process.StopAsync(TimeSpan.FromSeconds(10)));
        Assert.True(DateTime.UtcNow - stopping < TimeSpan.FromSeconds(10));
        await _stack.StartServerAsync();
        await Eventually.ReturnsAsync(
            _stack.Clients[0].StoredRowsAsync,
            rows => rows.Length >= 60,
            because: "the stream resumed"
        );
        Assert.Equal(0, await _stack.Clients[0].Process!.StopAsync(TimeSpan.FromSeconds(10)));
        await _stack.Clients[0].StartAsync();

        await _stack.DrainedAsync();
        Assert.Equal(people, (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task MetricsMoveWhenMessagesFlow()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        using var scrape = new HttpClient();
        var clientMetrics = $"{_stack.Clients[0].HttpUrl}/metrics";

        await _stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=10");
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=10");
        using (var stranger = await ProtocolPeer.ConnectAsync(_stack.Clients[0].TcpPort))
        {
            await stranger.SendRawAsync(ProtocolPeer.Raw("{}"u8.ToArray()));
            await stranger.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(5));
        }

        var server = await Eventually.ReturnsAsync(
            () => _stack.Api.GetStringAsync("/metrics"),
            m =>
                Sum(m, "relay_messages_pending") == 0
                && m.Contains("relay_messages_oldest_pending_age", StringComparison.Ordinal)
        );
        Assert.Equal(2, Sum(server, "relay_messages_enqueued_total"));
        Assert.Equal(2, Sum(server, "relay_messages_delivered_total"));
        Assert.Equal(2, Sum(server, "relay_delivery_latency_seconds_count"));
        var client = await scrape.GetStringAsync(clientMetrics);
        Assert.Equal(2, Sum(client, "relay_client_messages_applied_total"));
        Assert.Contains("reason=\"unauthenticated\"", client);
    }

    private static double Sum(string metrics, string name) =>
        metrics
            .Split('\n')
            .Where(l =>
                l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal)
            )
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
