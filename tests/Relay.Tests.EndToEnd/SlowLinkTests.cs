using System.Net.Http.Json;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A site behind a slow line: a window of batches takes longer to cross it than
/// <c>Delivery:AttemptTimeout</c>, yet the client keeps taking it in. An attempt fails only when
/// the client stops making progress, so the bulk arrives, at the line's pace.
/// </summary>
public sealed class SlowLinkTests
{
    [Fact]
    public async Task ABulkThatTakesLongerThanTheAttemptTimeoutStillReachesAClientBehindASlowLine()
    {
        await using var stack = new RelayStack(
            clients: 1,
            serverSettings: new Dictionary<string, string> { ["Delivery:AttemptTimeout"] = "00:00:02" }
        );
        await stack.StartAsync();
        await stack.SeedPersonnelAsync(3_000);

        // ~300 KB of batches at 60 KB/s: about five seconds for the window, over twice the attempt timeout.
        await using var line = new SlowLink(stack.Clients[0].TcpPort, bytesPerSecond: 60_000);
        var moved = await stack.Api.PutAsJsonAsync(
            $"/clients/{stack.ClientIds[0]}",
            new
            {
                name = "Client #1",
                host = "127.0.0.1",
                port = line.Port,
            }
        );
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());

        await stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        var rows = await Eventually.ReturnsAsync(
            async () => (await stack.Clients[0].StoredRowsAsync()).Length,
            n => n == 3_000,
            TimeSpan.FromSeconds(60),
            because: "the bulk crosses the slow line at its pace"
        );
        Assert.Equal(3_000, rows);
        await stack.DrainedAsync();
    }
}
