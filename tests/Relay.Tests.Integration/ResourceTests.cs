using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

public sealed class ResourceTests : AppTest
{
    [Fact]
    public async Task CreatingPersonnelAnswers201WithALocationThatServesIt()
    {
        var response = await Http.PostAsJsonAsync(
            "/personnel",
            new
            {
                name = "Isaac",
                surname = "Newton",
                ssn = "12345678900",
            }
        );

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var fetched = await Http.GetFromJsonAsync<JsonObject>(response.Headers.Location!);
        Assert.Equal("Newton", fetched!["surname"]!.GetValue<string>());
        Assert.Equal("12345678900", fetched["ssn"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADuplicateSsnIs409NamingThePersonnelThatHasIt()
    {
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var response = await Http.PostAsJsonAsync(
            "/personnel",
            new
            {
                name = "Other",
                surname = "Person",
                ssn = "12345678900",
            }
        );

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["ssn"], problem.ErrorFields());
        Assert.Equal(newton, problem["existingId"]!.GetValue<long>());
    }

    [Fact]
    public async Task EditingPersonnelIntoAnotherOnesSsnIs409AndChangesNothing()
    {
        await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await Http.CreatePersonnelAsync("Albert", "Einstein", "98765432100");

        var response = await Http.PutAsJsonAsync(
            $"/personnel/{einstein}",
            new
            {
                name = "Albert",
                surname = "Einstein",
                ssn = "12345678900",
            }
        );

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.NotEqual(einstein, problem["existingId"]!.GetValue<long>());
        var stored = await Http.GetFromJsonAsync<JsonObject>($"/personnel/{einstein}");
        Assert.Equal("98765432100", stored!["ssn"]!.GetValue<string>());
    }

    [Fact]
    public async Task TwoClientsCannotShareAnAddress()
    {
        await Http.CreateClientAsync("One", 5001);

        var response = await Http.PostAsJsonAsync(
            "/clients",
            new
            {
                name = "Two",
                host = "127.0.0.1",
                port = 5001,
            }
        );

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["host", "port"], problem.ErrorFields());
    }

    [Theory]
    [InlineData("/personnel", """{"surname":"Newton","ssn":"12345678900"}""", "name")]
    [InlineData("/personnel", """{"name":"Isaac","surname":"Newton","ssn":"1234567890"}""", "ssn")]
    [InlineData("/personnel", """{"name":"Isaac","surname":"Newton","ssn":12345678900}""", "ssn")]
    [InlineData("/personnel", """{"name":"Isaac","surname":"Newton","ssn":"12345678900","admin":true}""", "admin")]
    [InlineData("/personnel", """{"name":"Isaac","surname":"Newton","ssn":"12345678900" """, "body")]
    [InlineData("/personnel", """[]""", "body")]
    [InlineData("/personnel", """{"name":"Isaac\u202Egnp","surname":"Newton","ssn":"12345678900"}""", "name")]
    [InlineData("/personnel", """{"name":"Isaac","surname":"New\u0000ton","ssn":"12345678900"}""", "surname")]
    [InlineData("/personnel", """{"name":"Isaac\u0007","surname":"Newton","ssn":"12345678900"}""", "name")]
    [InlineData("/personnel", """{"name":"\u2066Isaac","surname":"Newton","ssn":"12345678900"}""", "name")]
    [InlineData("/personnel", """{"name":"Isaac\ud800","surname":"Newton","ssn":"12345678900"}""", "name")]
    [InlineData("/personnel", """{"name":"Isaac","surname":"Newton","ssn":"12345678900","ssn":"99988877766"}""", "ssn")]
    [InlineData("/clients", """{"name":"Door\u202E","host":"127.0.0.1","port":5001}""", "name")]
    [InlineData("/clients", """{"name":"C","host":"127.0.0.1","port":"abc"}""", "port")]
    [InlineData("/clients", """{"name":"C","host":"127.0.0.1","port":70000}""", "port")]
    [InlineData("/clients", """{"name":"C","host":"bad host","port":5001}""", "host")]
    [InlineData("/clients", """{"name":"","host":"127.0.0.1","port":5001}""", "name")]
    [InlineData("/clients", """{"name":"Client","host":"not a host!","port":5001}""", "host")]
    [InlineData("/clients", """{"name":"Client","host":"","port":5001}""", "host")]
    [InlineData("/clients", """{"name":"Client","host":"127.0.0.1","port":0}""", "port")]
    [InlineData("/clients", """{"name":"Client","host":"127.0.0.1","port":65536}""", "port")]
    public async Task AnInvalidBodyIs400NamingTheField(string path, string json, string field)
    {
        var response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task AnEmptyBodyIs400()
    {
        var response = await Http.PostAsync("/personnel", new StringContent("", Encoding.UTF8, "application/json"));

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefusedWithProblemDetails()
    {
        var response = await Http.PostAsync(
            "/personnel",
            new StringContent($$"""{"name":"{{new string('a', 100_000)}}"}""", Encoding.UTF8, "application/json")
        );

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE personnel; --", "O'Brien /* */ \" `x`")]
    [InlineData("Zoë Ångström", "李小龙 🚀")]
    public async Task TextIsStoredAndReturnedExactlyAsGiven(string name, string surname)
    {
        var id = await Http.CreatePersonnelAsync(name, surname, "55566677788");

        var stored = await Http.GetFromJsonAsync<JsonObject>($"/personnel/{id}");
        Assert.Equal(name, stored!["name"]!.GetValue<string>());
        Assert.Equal(surname, stored["surname"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListsArePagedById()
    {
        for (var i = 0; i < 5; i++)
        {
            await Http.CreatePersonnelAsync($"P{i}", "Paged", $"1000000000{i}");
        }

        var first = await Http.GetFromJsonAsync<JsonObject>("/personnel?limit=2");
        var next = first!["nextAfterId"]!.GetValue<long>();
        var second = await Http.GetFromJsonAsync<JsonObject>($"/personnel?limit=2&afterId={next}");
        var last = await Http.GetFromJsonAsync<JsonObject>(
            $"/personnel?limit=2&afterId={second!["nextAfterId"]!.GetValue<long>()}"
        );

        var names = new[] { first, second, last }.SelectMany(p =>
            p!["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>())
        );
        Assert.Equal(["P0", "P1", "P2", "P3", "P4"], names);
        Assert.Null(last!["nextAfterId"]);
        await (await Http.GetAsync("/personnel?limit=0")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await Http.GetAsync("/clients?limit=abc")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ClientsCanBeRenamedMovedAndRemoved()
    {
        var id = await Http.CreateClientAsync("Edge", 6001);

        var moved = await Http.PutAsJsonAsync(
            $"/clients/{id}",
            new
            {
                name = "Edge 7",
                host = "edge7.example.com",
                port = 6002,
            }
        );
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var stored = await Http.GetFromJsonAsync<JsonObject>($"/clients/{id}");
        Assert.Equal(
            ("Edge 7", "edge7.example.com", 6002),
            (stored!["name"]!.GetValue<string>(), stored["host"]!.GetValue<string>(), stored["port"]!.GetValue<int>())
        );

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/clients/{id}")).StatusCode);
        await (await Http.GetAsync($"/clients/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await Http.DeleteAsync($"/clients/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RemovingAClientDropsItsPendingMessages()
    {
        var client = await Http.CreateClientAsync("Edge", 6001);
        var person = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}");

        (await Http.DeleteAsync($"/clients/{client}")).EnsureSuccessStatusCode();

        Assert.Empty(await App.RowsAsync());
    }

    [Theory]
    [InlineData("/personnel/abc", "id")]
    [InlineData("/personnel/0", "id")]
    [InlineData("/clients/-1", "id")]
    [InlineData("/messages/zz", "id")]
    [InlineData("/messages?clientId=0", "clientId")]
    [InlineData("/messages?state=delivered", "state")]
    public async Task ABadIdOrFilterIs400NamingIt(string path, string field)
    {
        var problem = await (await Http.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
    }

    [Theory]
    [InlineData("/personnel/12345")]
    [InlineData("/clients/12345")]
    [InlineData("/messages/12345")]
    public async Task AnUnknownIdIs404(string path)
    {
        await (await Http.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
