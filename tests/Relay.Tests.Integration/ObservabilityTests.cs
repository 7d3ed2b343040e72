using System.Net;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

public sealed class ObservabilityTests : AppTest
{
    [Fact]
    public async Task LiveAndReadyAreHealthyWithMySqlUpAndTheSchemaCurrent()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health/live")).StatusCode);
        using var ready = await Http.GetAsync("/health/ready");
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        Assert.True(ready.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal("Healthy", report["checks"]!["mysql"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task HealthSaysLiveAndReadyInOneAnswerWithoutAKey()
    {
        using var health = await App.CreateClientWithKey(null).GetAsync("/health");
        var report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal((true, true), (report["live"]!.GetValue<bool>(), report["ready"]!.GetValue<bool>()));
        Assert.Equal("Healthy", report["checks"]!["mysql"]!["status"]!.GetValue<string>());
    }
}
