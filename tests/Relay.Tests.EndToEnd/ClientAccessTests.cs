using System.Net;
using System.Text.Json.Nodes;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A client daemon's listing holds SSNs: it needs its read key. Guessing the key, or failing the
/// TCP handshake, is braked per address.
/// </summary>
public sealed class ClientAccessTests : IAsyncLifetime
{
    private readonly ClientDaemon _client = ClientDaemon.Alone(
        "readkey",
        new Dictionary<string, string> { ["Client:FailedAttemptsAllowed"] = "3" }
    );

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
    public async Task AMethodTheListingLacksIs405WithTheReadKeyNot403()
    {
        using var keyed = _client.CreateHttp();

        using var answer = await keyed.DeleteAsync("/personnel/1");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
    }

    [Fact]
    public async Task TheClientSaysWhereItListensWithoutCallingItsTcpPortHttpAndSaysWhenItStops()
    {
        await Eventually.ReturnsAsync(
            () => Task.FromResult(_client.Process!.Output),
            o => o.Contains("Listening for deliveries", StringComparison.Ordinal)
        );

        Assert.Contains(
            $"tcp://127.0.0.1:{_client.TcpPort} (plain); HTTP API on {_client.HttpUrl}",
            _client.Process!.Output
        );
        Assert.DoesNotContain($"http://127.0.0.1:{_client.TcpPort}", _client.Process.Output);

        await _client.Process.StopAsync();
        Assert.Contains("Stopping", _client.Process.Output);
    }

    [Fact]
    public async Task AfterTooManyWrongKeysTheNextWrongOneGets429ButTheRightOneAndTheInboxStillWork()
    {
        using var guesser = new HttpClient
        {
            BaseAddress = new Uri(_client.HttpUrl),
            DefaultRequestHeaders = { { "X-Api-Key", "not-the-read-key" } },
        };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/personnel")).StatusCode);
        }

        using var braked = await guesser.GetAsync("/personnel");
        Assert.Equal(HttpStatusCode.TooManyRequests, braked.StatusCode);
        Assert.True(braked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to come back");
        Assert.NotNull(JsonNode.Parse(await braked.Content.ReadAsStringAsync())!["title"]);

        // Whoever guesses wrong from the address does not lock out the key's holder, nor the inbox's handshakes.
        using var keyed = _client.CreateHttp();
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/personnel")).StatusCode);
        using var server = await ProtocolPeer.ConnectAsync(_client.TcpPort);
        Assert.IsType<HelloFrame>(await server.ReadAsync());
    }

    [Fact]
    public async Task AfterTooManyFailedHandshakesAnAddressGetsNoHandshakeForAWhile()
    {
        var wrong = new LinkCredential(
            ClientDaemon.TestCredential.ClientId,
            ClientDaemon.TestCredential.Generation,
            new byte[LinkCredential.SecretBytes]
        );
        for (var i = 0; i < 3; i++)
        {
            using var guesser = await ProtocolPeer.ConnectAsync(_client.TcpPort);
            var hello = Assert.IsType<HelloFrame>(await guesser.ReadAsync());
            var challenge = TransportAuth.NewChallenge();
            Assert.IsType<NackFrame>(
                await guesser.ExchangeAsync(
                    new AuthFrame(challenge, TransportAuth.ServerProof(wrong, hello.Challenge, challenge))
                )
            );
        }

        // Even the right credential: the daemon says nothing to this address until the window ends.
        using var next = await ProtocolPeer.ConnectAsync(_client.TcpPort);
        Assert.True(await next.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(5)), "a braked address gets no hello");
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{_client.HttpUrl}/metrics");
        Assert.Contains("reason=\"braked\"", metrics);

        // A brake of its own: hostile frames at the inbox do not brake the REST listing, not even wrong keys to it.
        using var mistyped = new HttpClient
        {
            BaseAddress = new Uri(_client.HttpUrl),
            DefaultRequestHeaders = { { "X-Api-Key", "not-the-read-key" } },
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await mistyped.GetAsync("/personnel")).StatusCode);
        using var keyed = _client.CreateHttp();
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/personnel")).StatusCode);
    }
}
