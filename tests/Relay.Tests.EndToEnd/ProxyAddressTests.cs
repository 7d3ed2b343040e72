using System.Net;
using System.Text.Json.Nodes;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Behind a proxy every caller arrives from the proxy's address: the brake and the audit log must
/// see the caller the proxy saw, and only when the proxy is trusted (off by default, or anyone
/// could choose their address by sending the header).
/// </summary>
public sealed class ProxyAddressTests
{
    [Fact]
    public async Task BehindATrustedProxyEachCallerIsBrakedAndAuditedByItsOwnAddress()
    {
        await using var stack = Stack(trustProxy: true);
        await stack.StartAsync();

        await GuessAsync(stack, "203.0.113.7", times: 3, HttpStatusCode.Unauthorized);
        await GuessAsync(stack, "203.0.113.7", times: 1, HttpStatusCode.TooManyRequests);
        await GuessAsync(stack, "203.0.113.8", times: 1, HttpStatusCode.Unauthorized);

        var audit = (await stack.Api.JsonAsync("/audit"))["items"]!.AsArray();
        Assert.Equal(
            ["203.0.113.8", "203.0.113.7", "203.0.113.7", "203.0.113.7", "203.0.113.7"],
            audit.Select(e => e!["remote"]!.GetValue<string>())
        );
    }

    [Fact]
    public async Task WithNoTrustedProxyTheForwardedHeaderIsIgnored()
    {
        await using var stack = Stack(trustProxy: false);
        await stack.StartAsync();

        await GuessAsync(stack, "203.0.113.7", times: 3, HttpStatusCode.Unauthorized);
        await GuessAsync(stack, "203.0.113.8", times: 1, HttpStatusCode.TooManyRequests);

        var audit = (await stack.Api.JsonAsync("/audit"))["items"]!.AsArray();
        Assert.All(audit, e => Assert.Equal("127.0.0.1", e!["remote"]!.GetValue<string>()));
    }

    private static RelayStack Stack(bool trustProxy)
    {
        var settings = new Dictionary<string, string> { ["Auth:FailedAttemptsAllowed"] = "3" };
        if (trustProxy)
        {
            settings["Auth:TrustedProxies:0"] = "127.0.0.1";
        }

        return new RelayStack(clients: 0, serverSettings: settings);
    }

    private static async Task GuessAsync(RelayStack stack, string forwardedFor, int times, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri(stack.Server.Url) };
        for (var i = 0; i < times; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/personnel");
            request.Headers.Add("X-Api-Key", "a-wrong-key-" + i);
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await http.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
        }
    }
}
