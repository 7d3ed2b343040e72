using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Contracts.Personnel;

namespace Relay.Tests.Integration;

/// <summary>
/// The framework's validation of paths, queries and bodies, as a caller reads it: each refused
/// field named as the caller spelt it, in the API's words, and the handler not run. The table of
/// bad path and query values of the server's API is here, one row per value; bad bodies are in
/// <see cref="ResourceTests"/>, malformed ids on every route in <see cref="BadInputTests"/>.
/// </summary>
public sealed class ValidationTests(SharedApp app) : IClassFixture<SharedApp>
{
    // One app for the class: the refused calls change nothing, the accepted ones do not collide.
    private readonly HttpClient _http = app.Http;

    [Theory]
    [InlineData("/personnel?limit=0", "limit", "limit must be between 1 and 1000.")]
    [InlineData("/personnel?limit=1001", "limit", "limit must be between 1 and 1000.")]
    [InlineData("/personnel?afterId=-1", "afterId", "afterId must be zero or a positive id.")]
    [InlineData("/messages?afterId=-1", "afterId", "afterId must be zero or a positive id.")]
    [InlineData("/messages?clientId=0", "clientId", "clientId must be a positive integer.")]
    [InlineData("/messages?state=lost", "state", "state must be one of 'pending', 'failed'.")]
    [InlineData(
        "/clients?state=broken",
        "state",
        "state must be one of 'unreachable', 'failed', 'behind', 'upToDate'."
    )]
    [InlineData(
        "/clients?name="
            + "a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789i123456789j123456789X",
        "name",
        "name is at most 100 characters."
    )]
    [InlineData("/operations?limit=101", "limit", "limit must be between 1 and 100.")]
    [InlineData("/operations?beforeId=0", "beforeId", "beforeId must be a positive integer.")]
    [InlineData(
        "/operations/1/clients?state=some",
        "state",
        "state must be one of 'unfinished', 'failed', 'pending', 'done', 'all'."
    )]
    [InlineData("/audit?limit=501", "limit", "limit must be between 1 and 500.")]
    [InlineData("/audit?limit=0", "limit", "limit must be between 1 and 500.")]
    [InlineData("/audit?beforeId=-1", "beforeId", "beforeId must be a positive integer.")]
    [InlineData("/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from", "from must be before to.")]
    [InlineData("/audit?from=yesterday", "from", null)]
    [InlineData("/audit?key=", "key", "key must be a key name of 1-64 characters.")]
    [InlineData(
        "/clients?sort=worst",
        "sort",
        "sort must be one of 'id', 'name', 'mostPending', 'oldestPending', 'mostFailed', 'longestSilent'."
    )]
    [InlineData(
        "/clients?sort=name&after=not-a-cursor!",
        "after",
        "after is not a cursor of this list sorted by name: pass the nextAfter of the page before, with the same sort."
    )]
    [InlineData(
        "/clients?sort=name&afterId=3",
        "afterId",
        "afterId continues the list in id order only: in another sort, continue with after (the page's nextAfter)."
    )]
    [InlineData("/clients/0", "id", "id must be a positive integer.")]
    [InlineData("/clients/0/verify?wait=61", "clientId", "clientId must be a positive integer.")]
    [InlineData("/verifications/-4", "id", "id must be a positive integer.")]
    public async Task AQueryOrPathValueOutOfRangeIsNamedInTheApisWords(string path, string field, string? message)
    {
        var problem = await (await _http.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());

        // A value that does not even parse is named in the framework's words (no message to hold).
        if (message is not null)
        {
            Assert.Equal(message, problem["errors"]![field]![0]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/personnel?after=5", "after", "it takes afterId, at, limit, valid.")]
    [InlineData("/messages?client=5", "client", "it takes afterId, clientId, limit, state.")]
    public async Task AnUnknownQueryParameterIsRefusedNamingTheOnesTheRouteTakesAsTheyAreSpelt(
        string path,
        string field,
        string takes
    )
    {
        var problem = await (await _http.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.EndsWith(takes, problem["errors"]![field]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryRefusedFieldOfOneCallIsNamedAtOnce()
    {
        var problem = await (await _http.GetAsync("/clients/0/verify?wait=61")).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["clientId", "wait"], problem.ErrorFields().Order());
        Assert.Equal("wait must be between 0 and 60 seconds.", problem["errors"]!["wait"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task AnOperationWithAnOutOfRangeWaitIsNotQueued()
    {
        var personnel = await _http.CreatePersonnelAsync("Wait", "Long", "55555555555");

        var problem = await (await _http.PutAsync($"/clients/all/personnel/{personnel}?wait=61", null)).ProblemAsync(
            HttpStatusCode.BadRequest
        );

        Assert.Equal(["wait"], problem.ErrorFields());
        Assert.Empty((await _http.GetFromJsonAsync<JsonObject>("/operations"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task MissingPersonnelFieldsAreEachNamed()
    {
        var problem = await (await _http.PostAsJsonAsync("/personnel", new { surname = "" })).ProblemAsync(
            HttpStatusCode.BadRequest
        );

        Assert.Equal(["name", "ssn", "surname"], problem.ErrorFields().Order());
    }

    [Fact]
    public async Task ANameLongerThanTheColumnIsRefused()
    {
        var problem = await (
            await _http.PostAsJsonAsync(
                "/personnel",
                new
                {
                    name = new string('a', 101),
                    surname = "Newton",
                    ssn = "12345678901",
                }
            )
        ).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["name"], problem.ErrorFields());
    }

    [Fact]
    public async Task ABadIdAndABadBodyAreRefusedTogether()
    {
        var problem = await (await _http.PutAsJsonAsync("/personnel/0", new { name = "Ada" })).ProblemAsync(
            HttpStatusCode.BadRequest
        );

        Assert.Equal(["id", "ssn", "surname"], problem.ErrorFields().Order());
    }

    [Theory]
    [InlineData("client1", 5001)]
    [InlineData("edge-7.example.com", 1)]
    [InlineData("::1", 65535)]
    public async Task HostNamesAndAddressesAreAccepted(string host, int port)
    {
        using var response = await _http.PostAsJsonAsync(
            "/clients",
            new
            {
                name = $"at {host}",
                host,
                port,
            }
        );

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("10000000001", true)]
    [InlineData("1234567890", false)]
    [InlineData("123456789001", false)]
    [InlineData("12345678900\n", false)]
    [InlineData("1234567890a", false)]
    [InlineData("١٢٣٤٥٦٧٨٩٠١", false)]
    [InlineData("", false)]
    public async Task TheApiAndTheClientsHoldOneSsnRule(string ssn, bool valid)
    {
        using var response = await _http.PostAsJsonAsync(
            "/personnel",
            new
            {
                name = "Ada",
                surname = "Lovelace",
                ssn,
            }
        );

        Assert.Equal(valid, Ssn.IsValid(ssn));
        Assert.Equal(valid ? HttpStatusCode.Created : HttpStatusCode.BadRequest, response.StatusCode);
        if (!valid)
        {
            Assert.Equal(["ssn"], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
    }
}
