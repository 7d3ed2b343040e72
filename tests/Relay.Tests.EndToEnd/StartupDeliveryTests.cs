using System.Diagnostics;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>An instance that starts with work already queued sends it at once, not after its first poll.</summary>
public sealed class StartupDeliveryTests : IAsyncLifetime
{
    // A poll far longer than the wait below: only the wake given to a new worker can explain a quick delivery.
    private readonly RelayStack _stack = new(
        clients: 1,
        serverSettings: new Dictionary<string, string>
        {
            ["Delivery:PollInterval"] = "00:00:30",
            ["Delivery:LeaseDuration"] = "00:01:20",
        }
    );

    public Task InitializeAsync() => _stack.StartAsync(startClients: false);

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task MessagesQueuedBeforeAnInstanceStartsAreSentAsSoonAsItHoldsTheClient()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}");
        Assert.Equal(0, await _stack.Server.Process.StopAsync(TimeSpan.FromSeconds(10)));
        await _stack.Clients[0].StartAsync();

        var started = Stopwatch.StartNew();
        await _stack.StartServerAsync();
        await Eventually.ReturnsAsync(
            _stack.Clients[0].ListedSsnsAsync,
            s => s.Length == 1,
            TimeSpan.FromSeconds(45),
            "the queued message arrives"
        );

        // The start itself took up to 9 s on a busy machine; the poll would take 30 s more.
        Assert.True(
            started.Elapsed < TimeSpan.FromSeconds(15),
            $"delivered {started.Elapsed.TotalSeconds:0.0} s after the start; the poll is 30 s\n{_stack.Diagnostics()}"
        );
    }
}
