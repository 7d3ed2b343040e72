using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace Relay.Tests.Integration;

/// <summary>
/// Loading a register through the API: all or nothing, matched by SSN, with every bad line named,
/// and the export an import takes back.
/// </summary>
public sealed class ImportTests : AppTest
{
    [Fact]
    public async Task ACsvImportAddsNewSsnsUpdatesChangedNamesAndReportsWhatItDid()
    {
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await Http.CreatePersonnelAsync("Albert", "Einstein", "98765432100");

        var report = await ImportOkAsync(
            """
            name,surname,ssn
            Isaac,Newton,12345678900
            Albert,"Einstein, the physicist",98765432100
            Marie,Curie,11122233344
            """
        );

        Assert.Equal(
            (3, 1, 1, 1),
            (Int(report, "rows"), Int(report, "inserted"), Int(report, "updated"), Int(report, "unchanged"))
        );
        var people = await RegisterAsync();
        Assert.Equal(
            ["Isaac Newton", "Albert Einstein, the physicist", "Marie Curie"],
            people.Select(p => $"{p["name"]} {p["surname"]}")
        );
        Assert.Equal([newton, einstein], people.Take(2).Select(p => p["id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task AnNdjsonImportTakesOneObjectPerLineWithAnOptionalId()
    {
        var ada = await Http.CreatePersonnelAsync("Ada", "Byron", "55566677788");

        var report = await ImportOkAsync(
            $$"""
            {"name": "Ada", "surname": "Lovelace", "ssn": "55566677788", "id": {{ada}}}

            {"name": "Alan", "surname": "Turing", "ssn": "55566677799"}
            """,
            "application/x-ndjson"
        );

        Assert.Equal((2, 1, 1), (Int(report, "rows"), Int(report, "inserted"), Int(report, "updated")));
        var people = await RegisterAsync();
        Assert.Equal((ada, "Lovelace"), (people[0]["id"]!.GetValue<long>(), people[0]["surname"]!.GetValue<string>()));
        Assert.True(people[1]["id"]!.GetValue<long>() > ada);
    }

    [Fact]
    public async Task AnIdNoPersonnelHasIsRefusedSoADeletedIdNeverNamesSomeoneElse()
    {
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        (await Http.DeleteAsync($"/personnel/{newton}?propagate=false")).EnsureSuccessStatusCode();

        var problem = await ImportProblemAsync(
            $"""
            id,name,surname,ssn
            {newton},Mallory,Impostor,66677788899
            {long.MaxValue},Max,Value,66677788800
            ,Marie,Curie,11122233344
            """
        );

        var lines = problem["lines"]!
            .AsArray()
            .Select(l => (l!["line"]!.GetValue<int>(), l["message"]!.GetValue<string>()));
        Assert.Equal(
            [
                (
                    2,
                    $"No personnel has id {newton}: ids are given by the server and never reused; leave id empty to add this one."
                ),
                (
                    3,
                    $"No personnel has id {long.MaxValue}: ids are given by the server and never reused; leave id empty to add this one."
                ),
            ],
            lines
        );
        Assert.Empty(await RegisterAsync());

        // The id space is the server's alone: the next personnel still gets an id, and not the deleted one.
        var curie = await Http.CreatePersonnelAsync("Marie", "Curie", "11122233344");
        Assert.True(curie > newton);
    }

    [Fact]
    public async Task OneBadLineRefusesTheWholeImportAndNamesEveryBadField()
    {
        await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var problem = await ImportProblemAsync(
            """
            name,surname,ssn
            Isaac,Newer,12345678900
            Marie,Curie,1112223334
            ,Nobody,11122233355
            "Unclosed,Quote,1
            """
        );

        Assert.Equal(3, problem["invalidLines"]!.GetValue<int>());
        var lines = problem["lines"]!
            .AsArray()
            .Select(l => (l!["line"]!.GetValue<int>(), l["field"]!.GetValue<string>()))
            .ToList();
        Assert.Equal([(3, "ssn"), (4, "name"), (5, "line")], lines);
        Assert.Contains("11 digits", problem["lines"]![0]!["message"]!.GetValue<string>());

        // Nothing changed, the valid update on line 2 included, and nothing was left staged.
        Assert.Equal(["Newton"], (await RegisterAsync()).Select(p => p["surname"]!.GetValue<string>()));
        await WaitForNoStagedRowsAsync();
    }

    [Fact]
    public async Task AnSsnTwiceInTheFileOrAnIdThatIsAnotherPersonnelsIsRefusedWithTheLinesNamed()
    {
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var problem = await ImportProblemAsync(
            $"""
            id,name,surname,ssn
            ,Marie,Curie,11122233344
            ,Maria,Skłodowska,11122233344
            {newton + 1},Isaac,Newton,12345678900
            {newton},Ada,Lovelace,55566677788
            """
        );

        var lines = problem["lines"]!
            .AsArray()
            .Select(l =>
                (l!["line"]!.GetValue<int>(), l["field"]!.GetValue<string>(), l["message"]!.GetValue<string>())
            )
            .ToList();
        // Line 4's id is both unknown and not this SSN's personnel; each is said.
        Assert.Equal([3, 4, 4, 5], lines.Select(l => l.Item1));
        Assert.Equal(
            ("ssn", "The same SSN is on line 2; each personnel appears once."),
            (lines[0].Item2, lines[0].Item3)
        );
        Assert.Contains(lines, l => l.Item1 == 4 && l.Item3.Contains($"belongs to personnel {newton}"));
        Assert.Contains(lines, l => l.Item1 == 4 && l.Item3.Contains($"No personnel has id {newton + 1}"));
        Assert.Contains($"Id {newton} belongs to a personnel with another SSN", lines[3].Item3);
        Assert.Single(await RegisterAsync());
    }

    [Fact]
    public async Task TextThatCouldSpoofANameOnASiteIsRefusedInCsvWithTheLineAndField()
    {
        var problem = await ImportProblemAsync(
            "name,surname,ssn\n"
                + "Isaac,Newton,12345678900\n"
                + "Eve\u202Elin,Smith,11122233344\n"
                + "Ada,Love\u0000lace,55566677788\n"
                + "Tab\tbed,Ok,55566677799\n"
        );

        Assert.Equal(
            [
                (3, "name", "name holds U+202E, a bidirectional override or isolate, at character 4."),
                (4, "surname", "surname holds U+0000, a control character, at character 5."),
                (5, "name", "name holds U+0009, a control character, at character 4."),
            ],
            Lines(problem)
        );
        Assert.Empty(await RegisterAsync());
    }

    [Fact]
    public async Task ACsvThatIsNotUtf8IsRefusedNotRepaired()
    {
        // "Zoë" in Latin-1: 0xEB is not UTF-8.
        var body = new ByteArrayContent([.. "name,surname,ssn\nZo"u8, 0xEB, .. ",Smith,11122233344\n"u8]);
        body.Headers.ContentType = new("text/csv");
        using var response = await Http.PostAsync("/personnel/import", body);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var line = Assert.Single(Lines(problem));
        Assert.Equal((2, "name"), (line.Line, line.Field));
        Assert.Contains("not UTF-8", line.Message);
        Assert.Empty(await RegisterAsync());
    }

    [Fact]
    public async Task NdjsonWithALoneSurrogateARepeatedFieldOrAnOverrideIsRefusedWithTheLineAndField()
    {
        var problem = await ImportProblemAsync(
            """
            {"name": "Isaac\ud800", "surname": "Newton", "ssn": "12345678900"}
            {"name": "Ada", "surname": "Lovelace", "ssn": "55566677788", "ssn": "55566677799"}
            {"name": "Eve\u2067", "surname": "Smith", "ssn": "11122233344"}
            """,
            "application/x-ndjson"
        );

        var lines = Lines(problem);
        Assert.Equal([(1, "name"), (2, "ssn"), (3, "name")], lines.Select(l => (l.Line, l.Field)));
        Assert.Contains("lone surrogate", lines[0].Message);
        Assert.Contains("given twice", lines[1].Message);
        Assert.Contains("U+2067", lines[2].Message);
        Assert.Empty(await RegisterAsync());
    }

    [Fact]
    public async Task TheFirstHundredBadLinesAreListedAndAllAreCounted()
    {
        var csv = new StringBuilder("name,surname,ssn\n");
        for (var i = 0; i < 250; i++)
        {
            csv.Append("A,B,bad\n");
        }

        var problem = await ImportProblemAsync(csv.ToString());

        Assert.Equal(250, problem["invalidLines"]!.GetValue<int>());
        Assert.Equal(100, problem["lines"]!.AsArray().Count);
        Assert.Equal(101, problem["lines"]![99]!["line"]!.GetValue<int>());
    }

    [Fact]
    public async Task AHeaderWithoutSsnAnUnknownColumnAnEmptyBodyAndAnotherMediaTypeAreRefusedClearly()
    {
        Assert.Contains("lacks ssn", Message(await ImportProblemAsync("name,surname\nA,B\n")));
        Assert.Contains("'email' is not a column", Message(await ImportProblemAsync("name,surname,ssn,email\n")));
        Assert.Contains("The body is empty", Message(await ImportProblemAsync("")));
        Assert.Contains("must be a JSON object", Message(await ImportProblemAsync("[1,2]\n", "application/x-ndjson")));
        Assert.Contains(
            "is not a field",
            Message(
                await ImportProblemAsync(
                    """{"name":"A","surname":"B","ssn":"12345678900","email":"x"}""",
                    "application/x-ndjson"
                )
            )
        );

        using var json = await Http.PostAsync(
            "/personnel/import",
            new StringContent("[]", Encoding.UTF8, "application/json")
        );
        await json.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        using var latin1 = await Http.PostAsync(
            "/personnel/import",
            new StringContent("name,surname,ssn\n", Encoding.Latin1, "text/csv")
        );
        await latin1.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task AnImportLargerThanOtherBodiesIsTakenOnItsRouteOnly()
    {
        var csv = new StringBuilder("name,surname,ssn\n");
        for (var i = 0; i < 20_000; i++)
        {
            csv.Append($"Person,Number {i},{10_000_000_000 + i}\n");
        }

        Assert.True(csv.Length > 64 * 1024);
        Assert.Equal(20_000, Int(await ImportOkAsync(csv.ToString()), "inserted"));

        using var other = await Http.PostAsync(
            "/personnel",
            new StringContent(csv.ToString(), Encoding.UTF8, "application/json")
        );
        await other.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task MoreThanAMillionRowsIsRefusedWithoutChangingAnything()
    {
        var body = new StringBuilder("name,surname,ssn\n", 7_100_000);
        for (var i = 0; i <= 1_000_000; i++)
        {
            body.Append("A,B,1\n");
        }

        using var response = await Http.PostAsync(
            "/personnel/import",
            new StringContent(body.ToString(), Encoding.UTF8, "text/csv")
        );
        Assert.Contains(
            "at most 1,000,000 rows",
            Message(await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge))
        );
    }

    [Fact]
    public async Task ChangedPersonnelAreSentToTheClientsThatHoldThemUnlessHeldBack()
    {
        await Http.CreateClientAsync("Site", 7001);
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var report = await ImportOkAsync("name,surname,ssn\nIsaac,Newton Jr,12345678900\nMarie,Curie,11122233344\n");

        var operation = await Http.GetFromJsonAsync<JsonObject>($"/operations/{report["operationId"]}");
        Assert.Equal("importPersonnel", operation!["kind"]!.GetValue<string>());
        await using (var db = await App.OpenDatabaseAsync())
        {
            var payload = await db.ExecuteScalarAsync<string>(
                "SELECT b.payload FROM messages m JOIN batches b ON b.id = m.batch_id WHERE m.operation_id = @id",
                new { id = report["operationId"]!.GetValue<long>() }
            );
            var body = JsonNode.Parse(payload!)!;
            Assert.Equal([newton], body["personnel"]!.AsArray().Select(p => p!["id"]!.GetValue<long>()));
            Assert.Equal("Newton Jr", body["personnel"]![0]!["surname"]!.GetValue<string>());
        }

        var heldBack = await ImportOkAsync(
            "name,surname,ssn\nIsaac,Newton III,12345678900\n",
            query: "?propagate=false"
        );
        Assert.Null(heldBack["operationId"]);
        Assert.Equal(1, Int(heldBack, "updated"));
    }

    [Fact]
    public async Task TheExportIsTheRegisterAsCsvAndImportingItBackChangesNothing()
    {
        await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await Http.CreatePersonnelAsync("Albert", "Einstein, \"the\" physicist", "98765432100");

        using var export = await Http.GetAsync("/personnel/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var csv = await export.Content.ReadAsStringAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("id,name,surname,ssn,validFrom,validUntil", lines[0]);
        Assert.EndsWith(",Isaac,Newton,12345678900,,", lines[1]);
        Assert.EndsWith(",Albert,\"Einstein, \"\"the\"\" physicist\",98765432100,,", lines[2]);

        var report = await ImportOkAsync(csv);
        Assert.Equal(
            (2, 0, 0, 2),
            (Int(report, "rows"), Int(report, "inserted"), Int(report, "updated"), Int(report, "unchanged"))
        );
    }

    private async Task<JsonObject> ImportOkAsync(string body, string contentType = "text/csv", string query = "")
    {
        using var response = await Http.PostAsync(
            $"/personnel/import{query}",
            new StringContent(body, Encoding.UTF8, contentType)
        );
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonObject> ImportProblemAsync(string body, string contentType = "text/csv")
    {
        using var response = await Http.PostAsync(
            "/personnel/import",
            new StringContent(body, Encoding.UTF8, contentType)
        );
        return await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    private static List<(int Line, string Field, string Message)> Lines(JsonObject problem) =>
        [
            .. problem["lines"]!
                .AsArray()
                .Select(l =>
                    (l!["line"]!.GetValue<int>(), l["field"]!.GetValue<string>(), l["message"]!.GetValue<string>())
                ),
        ];

    private async Task<List<JsonNode>> RegisterAsync() =>
        [.. (await Http.GetFromJsonAsync<JsonObject>("/personnel?limit=1000"))!["items"]!.AsArray().Select(p => p!)];

    private async Task WaitForNoStagedRowsAsync()
    {
        await using var db = await App.OpenDatabaseAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM personnel_imports") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "staged rows were left behind");
            await Task.Delay(50);
        }
    }

    private static int Int(JsonObject o, string name) => o[name]!.GetValue<int>();

    private static string Message(JsonObject problem) =>
        problem["lines"]?[0]?["message"]?.GetValue<string>() ?? problem["detail"]!.GetValue<string>();
}
