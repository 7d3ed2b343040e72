using System.Net;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

public sealed class ObservabilityTests : IAsyncLifetime
{
    private readonly ServerApp _app = new();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_app).InitializeAsync();
        _http = _app.CreateClient();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task LiveAndReadyAreHealthyWithMySqlUpAndTheSchemaCurrent()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health/live")).StatusCode);
        using var ready = await _http.GetAsync("/health/ready");
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", report["checks"]!["mysql"]!["status"]!.GetValue<string>());
    }
}
