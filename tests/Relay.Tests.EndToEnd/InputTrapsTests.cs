using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Inputs a script can produce by accident (an empty id, a parameter the route does not take, a
/// value of the wrong type) against the real processes: each gets a problem that names it, and
/// none of them runs a wider operation than the caller asked for. One stack serves the whole
/// class: every test checks that nothing changed, so a trap that did change something fails there.
/// </summary>
public sealed class InputTrapsTests(InputTrapsTests.SeededStack fixture) : IClassFixture<InputTrapsTests.SeededStack>
{
    private readonly RelayStack _stack = fixture.Stack;
    private readonly long _client = fixture.Stack.ClientIds[0];

    /// <summary>A server and one client that holds two personnel.</summary>
    public sealed class SeededStack : IAsyncLifetime
    {
        public RelayStack Stack { get; } = new(clients: 1);

        public async Task InitializeAsync()
        {
            await Stack.StartAsync();
            await Stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
            await Stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
            await Stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel?wait=10");
        }

        public async Task DisposeAsync() => await Stack.DisposeAsync();
    }

    [Theory]
    [InlineData("DELETE", "/clients/all/personnel/")]
    [InlineData("DELETE", "/clients/{client}/personnel/")]
    [InlineData("PUT", "/clients/{client}/personnel/")]
    [InlineData("PUT", "/clients/all/personnel/")]
    [InlineData("DELETE", "/clients//personnel")]
    [InlineData("DELETE", "/clients//personnel/1")]
    [InlineData("DELETE", "/clients/all/personnel//")]
    [InlineData("PUT", "/clients/all//personnel")]
    [InlineData("DELETE", "/clients/{client}/")]
    [InlineData("DELETE", "/personnel/")]
    [InlineData("POST", "/messages//retry")]
    public async Task AnEmptyIdIsANotFoundProblemNeverTheBulkOperation(string method, string path)
    {
        var (status, body) = await _stack.Api.SendJsonAsync(
            new HttpMethod(method),
            path.Replace("{client}", _client.ToString())
        );

        Assert.Equal(404, status);
        Assert.Contains("empty segment", body["detail"]!.GetValue<string>());
        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("PUT", "/clients/all/personnel/1?replace=true", "replace")]
    [InlineData("PUT", "/clients/{client}/personnel/1?replace=true", "replace")]
    [InlineData("DELETE", "/clients/all/personnel?replace=true", "replace")]
    [InlineData("DELETE", "/clients/{client}/personnel?replace=true", "replace")]
    [InlineData("DELETE", "/clients/all/personnel/1?replace=false", "replace")]
    [InlineData("PUT", "/clients/all/personnel?wiat=5", "wiat")]
    [InlineData("DELETE", "/clients/all/personnel?clientId=1", "clientId")]
    [InlineData("DELETE", "/personnel/1?force=true", "force")]
    public async Task AQueryParameterTheRouteDoesNotTakeIsRefusedByName(string method, string path, string parameter)
    {
        var (status, body) = await _stack.Api.SendJsonAsync(
            new HttpMethod(method),
            path.Replace("{client}", _client.ToString())
        );

        Assert.Equal(400, status);
        Assert.Contains("is not a parameter of", body["errors"]![parameter]![0]!.GetValue<string>());
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task AParameterTheRouteTakesStillWorksInAnyCase()
    {
        var (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{_client}/personnel?Replace=true&WAIT=10"
        );

        Assert.Equal(200, status);
        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData("PUT", "/clients/all/personnel?wait=abc", "wait", "wait must be a whole number; \"abc\" is not.")]
    [InlineData(
        "PUT",
        "/clients/all/personnel?replace=maybe",
        "replace",
        "replace must be true or false; \"maybe\" is not."
    )]
    [InlineData("GET", "/personnel/abc", "id", "id must be a whole number; \"abc\" is not.")]
    [InlineData("GET", "/clients?limit=ten", "limit", "limit must be a whole number; \"ten\" is not.")]
    public async Task ABadValueIsExplainedInTheApisWords(string method, string path, string field, string message)
    {
        var (status, body) = await _stack.Api.SendJsonAsync(new HttpMethod(method), path);

        Assert.Equal(400, status);
        Assert.Equal(message, body["errors"]![field]![0]!.GetValue<string>());
        Assert.DoesNotContain("Nullable", body.ToJsonString());
        Assert.DoesNotContain("Failed to bind", body.ToJsonString());
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\":\"Ada\",")]
    [InlineData("{\"name\":\"Ada\"} trailing")]
    [InlineData("{\"name\" \"Ada\"}")]
    public async Task MalformedJsonIsTheBodysErrorNotAFields(string json)
    {
        using var response = await _stack.Api.PostAsync(
            "/personnel",
            new StringContent(json, Encoding.UTF8, "application/json")
        );
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(400, (int)response.StatusCode);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["body"], errors.Select(e => e.Key));
        Assert.StartsWith("The body is not valid JSON", errors["body"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task AValueOfTheWrongTypeIsTheFieldsError()
    {
        using var response = await _stack.Api.PostAsJsonAsync(
            "/personnel",
            new
            {
                name = 5,
                surname = "Lovelace",
                ssn = "11111111111",
            }
        );
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("name must be a string.", body["errors"]!["name"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/personnel?limit=abc", "limit", 400)]
    [InlineData("/personnel?limit=0", "limit", 400)]
    [InlineData("/personnel?afterId=x", "afterId", 400)]
    [InlineData("/personnel?sort=name", "sort", 400)]
    [InlineData("/personnel/abc", "id", 400)]
    public async Task TheClientsListingAnswersABadQueryWithProblemDetails(string path, string field, int expected)
    {
        using var http = _stack.Clients[0].CreateHttp();
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(text)!["errors"]![field]);
    }

    [Fact]
    public async Task TheClientsListingRefusesAnEmptySegment()
    {
        using var http = _stack.Clients[0].CreateHttp();
        using var response = await http.GetAsync("/personnel/");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Nothing queued, and the client still holds both personnel.</summary>
    private async Task AssertNothingChangedAsync()
    {
        var pending = await _stack.Api.JsonAsync("/messages?limit=1000");
        Assert.Empty(pending["items"]!.AsArray());
        Assert.Equal(2, (await _stack.Clients[0].StoredRowsAsync()).Length);
        Assert.Equal(2, (await _stack.Api.JsonAsync("/personnel"))["items"]!.AsArray().Count);
    }
}
