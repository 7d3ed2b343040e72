using System.Net;
using System.Text.Json.Nodes;

namespace Relay.Tests.EndToEnd;

/// <summary>A client daemon's listing holds SSNs: it needs its read key, and guessing the key is braked.</summary>
public sealed class ClientReadKeyTests : IAsyncLifetime
{
    private readonly ClientDaemon _client = new("client", Path.Combine(Path.GetTempPath(), $"relay-readkey-{Guid.NewGuid():N}"),
        new Dictionary<string, string> { ["Client:FailedAttemptsAllowed"] = "3" });

    public Task InitializeAsync() => _client.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task TheListingNeedsTheReadKey()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_client.HttpUrl) };
        using var keyed = _client.CreateHttp();

        using var refused = await anonymous.GetAsync("/personnel");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/personnel/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/personnel")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task AfterTooManyWrongKeysEvenTheRightOneGets429()
    {
        using var guesser = new HttpClient { BaseAddress = new Uri(_client.HttpUrl), DefaultRequestHeaders = { { "X-Api-Key", "not-the-read-key" } } };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/personnel")).StatusCode);
        }

        using var braked = await guesser.GetAsync("/personnel");
        Assert.Equal(HttpStatusCode.TooManyRequests, braked.StatusCode);
        Assert.True(braked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to come back");
        Assert.NotNull(JsonNode.Parse(await braked.Content.ReadAsStringAsync())!["title"]);

        using var keyed = _client.CreateHttp();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await keyed.GetAsync("/personnel")).StatusCode);
    }
}
