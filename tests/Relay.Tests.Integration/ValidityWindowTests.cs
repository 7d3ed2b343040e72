using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

/// <summary>
/// A personnel's validity window through the server's API: entered, kept as UTC whole seconds, refused when it makes
/// no window, filtered on in the listing, and carried by import and export.
/// </summary>
public sealed class ValidityWindowTests : AppTest
{
    [Fact]
    public async Task AWindowIsKeptAsUtcWholeSecondsAndShownAsEntered()
    {
        var (status, created) = await SendAsync(
            HttpMethod.Post,
            "/personnel",
            new
            {
                name = "Grace",
                surname = "Hopper",
                ssn = "12345678901",
                validFrom = "2027-01-01T09:00:00.750+01:00",
                validUntil = "2027-02-01T00:00:00Z",
            }
        );

        Assert.Equal(201, status);
        Assert.Equal("2027-01-01T08:00:00Z", created["validFrom"]!.GetValue<string>());
        Assert.Equal("2027-02-01T00:00:00Z", created["validUntil"]!.GetValue<string>());
        var read = await Http.GetFromJsonAsync<JsonObject>($"/personnel/{created["id"]}");
        Assert.Equal(
            ("2027-01-01T08:00:00Z", "2027-02-01T00:00:00Z"),
            (read!["validFrom"]!.GetValue<string>(), read["validUntil"]!.GetValue<string>())
        );

        // A PUT is the whole record: without a window it has none.
        var (_, edited) = await SendAsync(
            HttpMethod.Put,
            $"/personnel/{created["id"]}",
            new
            {
                name = "Grace",
                surname = "Hopper",
                ssn = "12345678901",
            }
        );
        Assert.Null(edited["validUntil"]);
        Assert.Null((await Http.GetFromJsonAsync<JsonObject>($"/personnel/{created["id"]}"))!["validUntil"]);
    }

    [Theory]
    [InlineData("2027-01-02T00:00:00Z", "2027-01-01T00:00:00Z", "validUntil", "later than validFrom")]
    [InlineData("2027-01-01T00:00:00Z", "2027-01-01T00:00:00.500Z", "validUntil", "later than validFrom")]
    [InlineData("0001-01-01T00:00:00Z", null, "validFrom", "between 1970")]
    [InlineData(null, "not a time", "", "")]
    public async Task AWindowThatIsNoWindowIsABadRequestNamingTheField(
        string? from,
        string? until,
        string field,
        string says
    )
    {
        var (status, problem) = await SendAsync(
            HttpMethod.Post,
            "/personnel",
            new
            {
                name = "Bad",
                surname = "Window",
                ssn = "12345678902",
                validFrom = from,
                validUntil = until,
            }
        );

        Assert.Equal(400, status);
        if (field != "")
        {
            Assert.True(problem["errors"]?[field] is not null, problem.ToJsonString());
            Assert.Contains(says, problem["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Empty((await Http.GetFromJsonAsync<JsonObject>("/personnel"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task TheListingFiltersByValidityNowOrAtATime()
    {
        var always = await Http.CreatePersonnelAsync("Always", "Valid", "11111111111");
        var expired = await CreateAsync("Expired", "22222222222", null, "2020-01-01T00:00:00Z");
        var later = await CreateAsync("Later", "33333333333", "2100-01-01T00:00:00Z", null);

        Assert.Equal([always, expired, later], await IdsAsync("/personnel"));
        Assert.Equal([always], await IdsAsync("/personnel?valid=true"));
        Assert.Equal([expired, later], await IdsAsync("/personnel?valid=false"));
        Assert.Equal([always, expired], await IdsAsync("/personnel?valid=true&at=2019-06-01T00:00:00Z"));
        Assert.Equal([always, later], await IdsAsync("/personnel?valid=true&at=2100-01-01T00:00:00Z"));

        using var alone = await Http.GetAsync("/personnel?at=2019-06-01T00:00:00Z");
        var problem = await alone.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("valid=true or valid=false", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        using var garbled = await Http.GetAsync("/personnel?valid=true&at=yesterday");
        await garbled.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ImportAndExportCarryTheWindowAndAnExportImportsBackUnchanged()
    {
        var report = await ImportAsync(
            """
            name,surname,ssn,validFrom,validUntil
            Ada,Lovelace,44444444444,,2030-06-01T12:00:00+02:00
            Alan,Turing,55555555555,2026-01-01,
            """,
            "text/csv"
        );
        Assert.Equal(2, report["inserted"]!.GetValue<int>());

        using var export = await Http.GetAsync("/personnel/export");
        var csv = await export.Content.ReadAsStringAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("id,name,surname,ssn,validFrom,validUntil", lines[0]);
        Assert.EndsWith(",Ada,Lovelace,44444444444,,2030-06-01T10:00:00Z", lines[1]);
        Assert.EndsWith(",Alan,Turing,55555555555,2026-01-01T00:00:00Z,", lines[2]);

        var again = await ImportAsync(csv, "text/csv");
        Assert.Equal((0, 0, 2), (Int(again, "inserted"), Int(again, "updated"), Int(again, "unchanged")));

        // Only the window changes: an update, and a line without one clears it.
        var changed = await ImportAsync(
            """
            {"name": "Ada", "surname": "Lovelace", "ssn": "44444444444", "validUntil": "2031-01-01T00:00:00Z"}
            {"name": "Alan", "surname": "Turing", "ssn": "55555555555"}
            """,
            "application/x-ndjson"
        );
        Assert.Equal((0, 2, 0), (Int(changed, "inserted"), Int(changed, "updated"), Int(changed, "unchanged")));
        var people = (await Http.GetFromJsonAsync<JsonObject>("/personnel"))!["items"]!.AsArray();
        Assert.Equal("2031-01-01T00:00:00Z", people[0]!["validUntil"]!.GetValue<string>());
        Assert.Null(people[1]!["validFrom"]);
    }

    [Fact]
    public async Task AnImportLineWithABadTimeOrWindowIsNamedAndNothingChanges()
    {
        using var response = await Http.PostAsync(
            "/personnel/import",
            new StringContent(
                """
                name,surname,ssn,validFrom,validUntil
                Ada,Lovelace,44444444444,next tuesday,
                Alan,Turing,55555555555,2030-01-01T00:00:00Z,2029-01-01T00:00:00Z
                Kurt,Goedel,66666666666,,
                """,
                Encoding.UTF8,
                "text/csv"
            )
        );

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var lines = problem["lines"]!
            .AsArray()
            .Select(l => (l!["line"]!.GetValue<int>(), l["field"]!.GetValue<string>()));
        Assert.Equal([(2, "validFrom"), (3, "validUntil")], lines);
        Assert.Empty((await Http.GetFromJsonAsync<JsonObject>("/personnel"))!["items"]!.AsArray());
    }

    private async Task<long> CreateAsync(string name, string ssn, string? from, string? until)
    {
        var (status, created) = await SendAsync(
            HttpMethod.Post,
            "/personnel",
            new
            {
                name,
                surname = "Windowed",
                ssn,
                validFrom = from,
                validUntil = until,
            }
        );
        Assert.Equal(201, status);
        return created["id"]!.GetValue<long>();
    }

    private async Task<long[]> IdsAsync(string path) =>
        [
            .. (await Http.GetFromJsonAsync<JsonObject>(path))!["items"]!
                .AsArray()
                .Select(p => p!["id"]!.GetValue<long>()),
        ];

    private async Task<JsonObject> ImportAsync(string body, string contentType)
    {
        using var response = await Http.PostAsync(
            "/personnel/import",
            new StringContent(body, Encoding.UTF8, contentType)
        );
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<(int Status, JsonObject Body)> SendAsync(HttpMethod method, string path, object body)
    {
        using var response = await Http.SendAsync(
            new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }
        );
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private static int Int(JsonObject o, string name) => o[name]!.GetValue<int>();
}
