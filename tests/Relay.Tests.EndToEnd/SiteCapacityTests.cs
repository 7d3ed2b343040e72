using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A site that can hold only so many personnel (<c>Client:MaxPersonnel</c>): a message that would
/// overfill it is refused for good and changes nothing there, the operator sees it failed with the
/// site's reason, and can retry it (refused again while there is no room) or discard it. The
/// README's "Try it" walks the same path.
/// </summary>
public sealed class SiteCapacityTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(
        clients: 1,
        clientSettings: new Dictionary<string, string> { ["Client:MaxPersonnel"] = "1" }
    );

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task AMessageThatWouldOverfillASiteFailsChangesNothingAndCanBeRetriedThenDiscarded()
    {
        var client = _stack.ClientIds[0];
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");

        var (sent, _) = await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/{client}/personnel?wait=10");
        Assert.Equal(409, sent);
        Assert.Empty(await _stack.Clients[0].StoredRowsAsync());

        var failed = Assert.Single((await _stack.Api.JsonAsync("/messages?state=failed"))["items"]!.AsArray())!;
        Assert.Contains("at most 1 personnel (Client:MaxPersonnel)", failed.ToJsonString());
        var message = failed["id"]!.GetValue<long>();
        var (again, _) = await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/messages/{message}/retry?wait=10");
        Assert.Equal(409, again);

        Assert.Equal(204, (await _stack.Api.SendJsonAsync(HttpMethod.Delete, $"/messages/{message}")).Status);
        Assert.Equal(0, (await _stack.Api.JsonAsync($"/clients/{client}"))["failedMessages"]!.GetValue<long>());
        var (one, _) = await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10");
        Assert.Equal(200, one);
        Assert.Equal([newton], (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Id));
    }
}
