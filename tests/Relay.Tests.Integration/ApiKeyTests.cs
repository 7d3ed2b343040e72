using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

public sealed class ApiKeyTests : IAsyncLifetime
{
    private const string Key = "a-long-enough-test-key";
    private readonly ServerApp _app = new ServerApp().With("Auth:ApiKey", Key);
    private HttpClient _anonymous = null!;
    private HttpClient _authorized = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_app).InitializeAsync();
        _anonymous = _app.CreateClient();
        _authorized = _app.CreateClient();
        _authorized.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key-of-some-length")]
    [InlineData(Key + " ")]
    public async Task ChangingDataWithoutTheRightKeyIs401AndChangesNothing(string? key)
    {
        var client = await _authorized.CreateClientAsync("One", 6001);
        var person = await _authorized.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        if (key is not null)
        {
            _anonymous.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        var attempts = new[]
        {
            await _anonymous.PostAsJsonAsync("/personnel", new { name = "Eve", surname = "Intruder", ssn = "66666666666" }),
            await _anonymous.PutAsJsonAsync($"/personnel/{person}", new { name = "Eve", surname = "Intruder", ssn = "12345678900" }),
            await _anonymous.DeleteAsync($"/clients/{client}"),
            await _anonymous.PutAsync("/clients/all/personnel", null),
            await _anonymous.DeleteAsync("/clients/all/personnel"),
            await _anonymous.PutAsync($"/clients/{client}/personnel?sync=true", null),

            // Reads, but they queue work on the server and the clients.
            await _anonymous.GetAsync($"/clients/{client}/verify"),
            await _anonymous.GetAsync("/clients/all/verify"),
        };

        foreach (var response in attempts)
        {
            await response.ProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Empty(await _app.RowsAsync());
        var stored = await _anonymous.GetFromJsonAsync<JsonObject>($"/personnel/{person}");
        Assert.Equal("Isaac", stored!["name"]!.GetValue<string>());
        var all = await _anonymous.GetFromJsonAsync<JsonObject>("/personnel");
        Assert.Single(all!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync($"/clients/{client}")).StatusCode);
    }

    [Fact]
    public async Task TheRightKeyIsAccepted()
    {
        var client = await _authorized.CreateClientAsync("One", 6001);
        var person = await _authorized.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var ids = await _authorized.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}");

        Assert.Single(ids);
    }

    [Fact]
    public async Task ReadsAndSwaggerStayOpen()
    {
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }

    [Fact]
    public async Task TheDocumentTellsSwaggerUiWhichCallsNeedTheKey()
    {
        var document = await _anonymous.GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json");

        Assert.Equal("X-Api-Key", document!["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/clients/all/personnel"]!["put"]!["security"]);
        Assert.Null(document["paths"]!["/clients"]!["get"]!["security"]);
    }
}
