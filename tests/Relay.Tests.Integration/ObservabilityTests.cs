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

    [Fact]
    public async Task TheEnqueuedCounterMovesWhenAnOperationQueuesMessages()
    {
        var client = await _http.CreateClientAsync("One", 6001);
        var person = await _http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var before = Counter(await _http.GetStringAsync("/metrics"), "relay_messages_enqueued_total");

        await _http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}");
        await _http.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        var after = Counter(await _http.GetStringAsync("/metrics"), "relay_messages_enqueued_total");
        // Other test apps in this process share the meter's name, so theirs may be counted too.
        Assert.True(after >= before + 2, $"enqueued went from {before} to {after}");
    }

    /// <summary>The sum of a metric's samples over all labels in Prometheus text, 0 when it has none yet.</summary>
    internal static double Counter(string metrics, string name) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
}
