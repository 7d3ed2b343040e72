using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace Relay.Tests.Integration;

/// <summary>
/// <c>?dryRun=true</c> on every operation: what it would do, counted from the database as it is, and
/// nothing written. A deletion names the rows each client holds that would go.
/// </summary>
public sealed class DryRunTests : AppTest
{
    private long _c1,
        _c2,
        _p1,
        _p2,
        _p3;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_c1, _c2, _p1, _p2, _p3) = await Http.SeedTwoClientsThreePersonnelAsync();
        // Client 1 holds all three, client 2 only the third.
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c2}/personnel/{_p3}");
    }

    [Fact]
    public async Task EveryOperationPreviewedQueuesNothingAndTheAuditSaysItWasADryRun()
    {
        var before = await WrittenAsync();
        string[] routes =
        [
            $"PUT /clients/{_c1}/personnel/{_p1}",
            $"PUT /clients/all/personnel/{_p2}",
            "PUT /clients/all/personnel",
            "PUT /clients/all/personnel?replace=true",
            $"PUT /clients/{_c2}/personnel?sync=true",
            $"DELETE /clients/{_c1}/personnel/{_p1}",
            $"DELETE /clients/all/personnel/{_p2}",
            "DELETE /clients/all/personnel",
            $"DELETE /clients/{_c2}/personnel",
        ];
        foreach (var route in routes)
        {
            var preview = await PreviewAsync(route);
            Assert.True(preview["dryRun"]!.GetValue<bool>(), route);
        }

        Assert.Equal(before, await WrittenAsync());
        var audit = (await Http.GetFromJsonAsync<JsonObject>("/audit?limit=9"))!["items"]!.AsArray();
        Assert.All(audit, e => Assert.Contains("dryRun=true", e!["target"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ADeletionNamesTheRowsEachClientHoldsThatWouldGoLargestFirst()
    {
        var all = await PreviewAsync("DELETE /clients/all/personnel");
        Assert.Equal((2, 2L, 4L), (Int(all, "clients"), Long(all, "messages"), Long(all, "rows")));
        var removes = all["removes"]!;
        Assert.Equal((4L, 2), (Long(removes, "total"), Int(removes, "clients")));
        Assert.Equal(
            [(_c1, 3L), (_c2, 1L)],
            removes["largest"]!.AsArray().Select(c => (Long(c!, "clientId"), Long(c!, "rows")))
        );

        var third = await PreviewAsync($"DELETE /clients/all/personnel/{_p3}");
        Assert.Equal(2L, Long(third["removes"]!, "total"));
        var first = await PreviewAsync($"DELETE /clients/all/personnel/{_p1}");
        Assert.Equal([_c1], first["removes"]!["largest"]!.AsArray().Select(c => Long(c!, "clientId")));
        var none = await PreviewAsync($"DELETE /clients/{_c2}/personnel/{_p1}");
        Assert.Equal((1L, 0L), (Long(none, "messages"), Long(none["removes"]!, "total")));
    }

    [Fact]
    public async Task ASendCountsClientsMessagesRowsAndBytesAndASyncSaysWhatItCannotKnow()
    {
        var all = await PreviewAsync("PUT /clients/all/personnel");
        Assert.Equal((2, 2L, 6L), (Int(all, "clients"), Long(all, "messages"), Long(all, "rows")));
        Assert.True(Long(all, "bytes") > 6 * 20, all.ToJsonString());
        Assert.Null(all["removes"]);

        var one = await PreviewAsync($"PUT /clients/{_c2}/personnel/{_p1}");
        Assert.Equal((1, 1L, 1L), (Int(one, "clients"), Long(one, "messages"), Long(one, "rows")));

        var sync = await PreviewAsync("PUT /clients/all/personnel?sync=true");
        Assert.Null(sync["rows"]);
        Assert.Contains("only the rows that differ", sync["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task ADryRunOfAnUnknownClientOrPersonnelIsA404AsTheRealOneWouldBe()
    {
        var client = await Http.PutAsync("/clients/9007199254740991/personnel?dryRun=true", null);
        await client.ProblemAsync(HttpStatusCode.NotFound);
        var personnel = await Http.PutAsync("/clients/all/personnel/9007199254740991?dryRun=true", null);
        await personnel.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheRealDeleteAllFromAllNamesHowFarItReachedInItsAnswerAndTheAuditLog()
    {
        var answer = await Http.StartOperationAsync(HttpMethod.Delete, "/clients/all/personnel");

        Assert.Equal((4L, 2), (Long(answer["removes"]!, "total"), Int(answer["removes"]!, "clients")));
        var later = await Http.GetFromJsonAsync<JsonObject>($"/operations/{answer["id"]}");
        Assert.Null(later!["removes"]);

        var entry = (await Http.GetFromJsonAsync<JsonObject>("/audit?limit=1"))!["items"]!.AsArray().Single()!;
        Assert.Equal("/clients/all/personnel/", entry["route"]!.GetValue<string>());
        Assert.Contains("removes=4 rows from 2 clients", entry["target"]!.GetValue<string>());
    }

    private async Task<JsonObject> PreviewAsync(string route)
    {
        var (method, path) = (route.Split(' ')[0], route.Split(' ')[1]);
        var separator = path.Contains('?') ? '&' : '?';
        var response = await Http.SendAsync(
            new HttpRequestMessage(new HttpMethod(method), $"{path}{separator}dryRun=true")
        );
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<(long Messages, long Operations)> WrittenAsync()
    {
        await using var db = await App.OpenDatabaseAsync();
        return (
            await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages"),
            await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM operations")
        );
    }

    private static long Long(JsonNode node, string name) => node[name]!.GetValue<long>();

    private static int Int(JsonNode node, string name) => node[name]!.GetValue<int>();
}
