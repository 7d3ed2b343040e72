using System.Net;
using System.Text;

namespace Relay.Tests.Integration;

/// <summary>Every route against malformed ids, queries and bodies: always a 4xx problem, never a 5xx, nothing
/// changed.</summary>
public sealed class BadInputTests(BadInputTests.SeededApp fixture) : IClassFixture<BadInputTests.SeededApp>
{
    private readonly ServerApp _app = fixture;
    private readonly HttpClient _http = fixture.Http;

    /// <summary>One app for the whole table: nothing in it may change anything anyway.</summary>
    public sealed class SeededApp : SharedApp
    {
        protected override async Task SeedAsync(HttpClient http)
        {
            await http.CreateClientAsync("One", 6001);
            await http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        }
    }

    private static readonly string[] BadIds =
    [
        "abc",
        "0",
        "-1",
        "1.5",
        "99999999999999999999",
        "1e3",
        "%20",
        "0x10",
        "١",
    ];

    private static readonly string[] BadBodies =
    [
        "",
        "null",
        "[]",
        "42",
        "\"text\"",
        "{",
        "{\"name\":",
        "{\"name\":{}}",
        "{\"name\":[1]}",
        "{\"name\":1,\"surname\":true,\"ssn\":null}",
        "{\"name\":\"a\",\"surname\":\"b\",\"ssn\":\"12345678901\",\"id\":5}",
        "{\"name\":\"\\u0000\",\"surname\":\"b\",\"ssn\":\"1234567890\"}",
        "{\"name\":\"" + new string('x', 5000) + "\",\"surname\":\"b\",\"ssn\":\"12345678901\"}",
        "{\"host\":\"h\",\"port\":1e99,\"name\":\"n\"}",
        "{\"host\":\"127.0.0.1\",\"port\":-5,\"name\":\"n\"}",
        "{\"host\":\"" + new string('a', 300) + "\",\"port\":5,\"name\":\"n\"}",
        "{\"name\":\"a\",\"name\":\"b\"}",
        "\uFEFF{}",
        "{\"ssn\":\"12345678901\"} trailing",
    ];

    public static TheoryData<string, string> BadRequests()
    {
        var data = new TheoryData<string, string>();
        string[] idRoutes =
        [
            "GET /clients/{0}",
            "PUT /clients/{0}",
            "DELETE /clients/{0}",
            "GET /personnel/{0}",
            "PUT /personnel/{0}",
            "DELETE /personnel/{0}",
            "GET /messages/{0}",
            "POST /messages/{0}/retry",
            "PUT /clients/{0}/personnel/1",
            "PUT /clients/1/personnel/{0}",
            "PUT /clients/all/personnel/{0}",
            "PUT /clients/{0}/personnel",
            "DELETE /clients/{0}/personnel/1",
            "DELETE /clients/all/personnel/{0}",
            "DELETE /clients/{0}/personnel",
        ];
        foreach (var route in idRoutes)
        {
            foreach (var id in BadIds)
            {
                data.Add(string.Format(route, id), "");
            }
        }

        foreach (
            var query in new[] { "limit=abc", "limit=0", "limit=1001", "afterId=-1", "afterId=x", "limit=1&limit=2" }
        )
        {
            data.Add($"GET /clients?{query}", "");
            data.Add($"GET /personnel?{query}", "");
            data.Add($"GET /messages?{query}", "");
        }

        foreach (var query in new[] { "wait=abc", "wait=-1", "wait=61", "replace=maybe", "wait=1.5" })
        {
            data.Add($"PUT /clients/all/personnel?{query}", "");
            data.Add($"PUT /clients/1/personnel?{query}", "");
        }

        data.Add("GET /messages?state=lost", "");
        data.Add("GET /messages?clientId=-3", "");
        foreach (var body in BadBodies)
        {
            data.Add("POST /personnel", body);
            data.Add("PUT /personnel/1", body);
            data.Add("POST /clients", body);
            data.Add("PUT /clients/1", body);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInputGetsA4xxProblemAndChangesNothing(string request, string body)
    {
        var (method, path) = (request.Split(' ')[0], request.Split(' ')[1]);
        using var message = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            message.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(message);

        var status = (int)response.StatusCode;
        Assert.True(
            status is >= 400 and < 500 and not 404 || (status == 404 && method == "GET" && path.Contains("%20")),
            $"{request} {body[..Math.Min(body.Length, 60)]} answered {status}: {await response.Content.ReadAsStringAsync()}"
        );
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _app.RowsAsync());
        var person = await _http.GetStringAsync("/personnel/1");
        Assert.Contains("\"Newton\"", person);
        Assert.Contains("\"name\":\"One\"", await _http.GetStringAsync("/clients/1"));
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIs415()
    {
        using var response = await _http.PostAsync(
            "/personnel",
            new StringContent("name=Isaac", Encoding.UTF8, "application/x-www-form-urlencoded")
        );

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}
