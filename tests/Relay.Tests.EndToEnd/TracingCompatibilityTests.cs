using Relay.Fleet;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A traced server and clients that do not take a traceparent, as a client of an earlier build, which
/// refuses a field it does not know (played by the fleet simulator, which answers the features
/// question with a nack as such a client does): none is sent one, and everything arrives.
/// </summary>
public sealed class TracingCompatibilityTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(
        clients: 0,
        serverSettings: new Dictionary<string, string> { ["Tracing:Exporter"] = "Console" }
    );

    private FleetSimulator _fleet = null!;

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        _fleet = FleetSimulator.Start(3, FreePort.Next());
        await _fleet.RegisterWithAsync(_stack.Api, parallelism: 3);
        await _stack.SeedPersonnelAsync(10);
    }

    public async Task DisposeAsync()
    {
        await _fleet.DisposeAsync();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task AClientThatDoesNotListTraceparentGetsDeliveriesWithoutIt()
    {
        var (status, _) = await _stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel?wait=30");

        Assert.Equal(200, status);
        Assert.All(_fleet.Clients, c => Assert.Equal((10, 0), (c.Rows, c.TraceParents)));
        Assert.Contains("Activity.DisplayName:        deliver", _stack.Server.Process.Output);
    }
}
