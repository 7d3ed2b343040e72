using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Relay.Server.Audit;
using Relay.Testing;

namespace Relay.Tests.Integration;

public sealed class AuditTests : AppTest
{
    private const string OperateKey = "ci-operate-key-0001";
    private const string ReadKey = "dashboard-read-key-0001";
    private const int RowsAtOnce = 20;

    public override Task InitializeAsync()
    {
        App.With("Auth:Keys:0:Name", "ci")
            .With("Auth:Keys:0:Key", OperateKey)
            .With("Auth:Keys:0:Role", "operate")
            .With("Auth:Keys:1:Name", "dashboard")
            .With("Auth:Keys:1:Key", ReadKey)
            .With("Auth:Keys:1:Role", "read")
            .With("Audit:RowsAtOnce", RowsAtOnce.ToString())
            .With("Audit:RowsPerSecond", "1");
        return base.InitializeAsync();
    }

    [Fact]
    public async Task EveryChangingCallAndReadOfPersonnelLeavesOneRowNamingTheKeyRouteIdsAndStatusOtherReadsNone()
    {
        var client = await Http.CreateClientAsync("One", 6001);
        var person = await Http.CreatePersonnelAsync("Ada", "Lovelace", "55566677788");
        await Http.PutAsJsonAsync(
            $"/personnel/{person}",
            new
            {
                name = "Augusta",
                surname = "King",
                ssn = "55566677789",
            }
        );
        var operation = (await Http.PutAsync($"/clients/{client}/personnel/{person}", null)).Headers.Location;
        await Http.PostAsync($"/clients/{client}/credentials", null);
        await Http.DeleteAsync("/personnel/999");
        await Http.GetAsync("/personnel");
        await Http.GetAsync($"/clients/{client}");

        var page = (await Http.GetFromJsonAsync<JsonObject>("/audit"))!["items"]!.AsArray();

        Assert.Equal(
            [
                ("GET", "/personnel/", 200, null),
                ("DELETE", "/personnel/{id}", 404, "id=999"),
                ("POST", "/clients/{id}/credentials", 200, $"id={client}"),
                (
                    "PUT",
                    "/clients/{clientId}/personnel/{personnelId}",
                    202,
                    $"clientId={client} personnelId={person} location={operation}"
                ),
                ("PUT", "/personnel/{id}", 200, $"id={person}"),
                ("POST", "/personnel/", 201, $"location=/personnel/{person}"),
                ("POST", "/clients/", 201, $"location=/clients/{client}"),
            ],
            page.Select(e =>
                (
                    e!["method"]!.GetValue<string>(),
                    e["route"]!.GetValue<string>(),
                    e["status"]!.GetValue<int>(),
                    e["target"]?.GetValue<string>()
                )
            )
        );
        Assert.All(page, e =>
            Assert.Equal(("admin", "admin"), (e!["keyName"]!.GetValue<string>(), e["role"]!.GetValue<string>()))
        );
        Assert.Equal(1, page[0]!["rowsRead"]!.GetValue<int>());
    }

    [Fact]
    public async Task NoAuditRowHoldsANameOrAnSsn()
    {
        var person = await Http.CreatePersonnelAsync("Ada", "Lovelace", "55566677788");
        await Http.PutAsJsonAsync(
            $"/personnel/{person}",
            new
            {
                name = "Augusta",
                surname = "King",
                ssn = "55566677789",
            }
        );
        await Http.PostAsJsonAsync(
            "/personnel",
            new
            {
                name = "Bad",
                surname = "Ssn",
                ssn = "12",
            }
        );

        await using var db = await App.OpenDatabaseAsync();
        var rows = (await db.QueryAsync("SELECT * FROM audit_log")).Cast<IDictionary<string, object>>().ToList();
        var stored = string.Join('|', rows.SelectMany(r => r.Values).Select(v => v?.ToString()));

        Assert.Equal(3, rows.Count);
        foreach (var personal in new[] { "Ada", "Lovelace", "55566677788", "Augusta", "King", "55566677789", "Bad" })
        {
            Assert.DoesNotContain(personal, stored);
        }
    }

    [Fact]
    public async Task ACallRefusedForItsRoleIsRecordedAndOnlyAdminsReadTheLog()
    {
        using var ci = App.CreateClientWithKey(OperateKey);

        await (
            await ci.PostAsJsonAsync(
                "/clients",
                new
                {
                    name = "Two",
                    host = "127.0.0.1",
                    port = 6002,
                }
            )
        ).ProblemAsync(HttpStatusCode.Forbidden);
        await (await ci.GetAsync("/audit")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await App.CreateClientWithKey(null).DeleteAsync("/clients/1")).ProblemAsync(HttpStatusCode.Unauthorized);

        var byCi = (await Http.GetFromJsonAsync<JsonObject>("/audit?key=ci"))!["items"]!.AsArray();
        Assert.Equal(
            [("GET", "/audit", 403, "operate"), ("POST", "/clients/", 403, "operate")],
            byCi.Select(e =>
                (
                    e!["method"]!.GetValue<string>(),
                    e["route"]!.GetValue<string>(),
                    e["status"]!.GetValue<int>(),
                    e["role"]!.GetValue<string>()
                )
            )
        );
        Assert.Empty((await Http.GetFromJsonAsync<JsonObject>("/audit?key=admin"))!["items"]!.AsArray());

        // Without a valid key the record names no key, only the address.
        var all = (await Http.GetFromJsonAsync<JsonObject>("/audit"))!["items"]!.AsArray();
        var anonymous = Assert.Single(all, e => e!["keyName"] is null);
        Assert.Equal(("DELETE", 401), (anonymous!["method"]!.GetValue<string>(), anonymous["status"]!.GetValue<int>()));
    }

    [Fact]
    public async Task TheLogPagesNewestFirstAndFiltersByTime()
    {
        for (var port = 6001; port <= 6005; port++)
        {
            await Http.CreateClientAsync($"C{port}", port);
        }

        var first = (await Http.GetFromJsonAsync<JsonObject>("/audit?limit=2"))!;
        var second = (await Http.GetFromJsonAsync<JsonObject>($"/audit?limit=2&beforeId={first["nextBeforeId"]}"))!;
        var ids = first["items"]!
            .AsArray()
            .Concat(second["items"]!.AsArray())
            .Select(e => e!["id"]!.GetValue<long>())
            .ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(4, ids.Distinct().Count());

        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.Empty((await Http.GetFromJsonAsync<JsonObject>($"/audit?from={future}"))!["items"]!.AsArray());
        Assert.Equal(5, (await Http.GetFromJsonAsync<JsonObject>($"/audit?to={future}"))!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task ARefusedBodyIsRecordedWithTheStatusTheCallerGotNot500()
    {
        async Task<int> Post(string body, string mediaType)
        {
            using var response = await Http.PostAsync("/personnel", new StringContent(body, Encoding.UTF8, mediaType));
            return (int)response.StatusCode;
        }

        int[] answered =
        [
            await Post("{not json", "application/json"),
            await Post("""{"name":"A","surname":"B","ssn":"12345678900","admin":true}""", "application/json"),
            await Post("""{"name":"A\ud800","surname":"B","ssn":"12345678900"}""", "application/json"),
            await Post("""{"name":"A","surname":"B","ssn":"12345678900"}""", "text/plain"),
            await Post($$"""{"name":"{{new string('a', 100_000)}}"}""", "application/json"),
            (int)(await Http.PatchAsync("/personnel/1", null)).StatusCode,
        ];

        Assert.Equal([400, 400, 400, 415, 413, 405], answered);
        var recorded = (await Http.GetFromJsonAsync<JsonObject>("/audit"))!["items"]!
            .AsArray()
            .Select(e => e!["status"]!.GetValue<int>())
            .Reverse();
        Assert.Equal(answered, recorded);
    }

    [Fact]
    public async Task AReadOfPersonalDataNamesTheKeyItsRoleAndHowManyRowsItRead()
    {
        for (var i = 0; i < 3; i++)
        {
            await Http.CreatePersonnelAsync("Ada", "Lovelace", $"5556667778{i}");
        }

        using var dashboard = App.CreateClientWithKey(ReadKey);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/personnel/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/personnel?limit=2")).StatusCode);

        // The export is recorded when its last row is sent, just after the answer.
        var reads = await Eventually.ReturnsAsync(
            async () => (await Http.GetFromJsonAsync<JsonObject>("/audit?key=dashboard"))!["items"]!.AsArray(),
            items => items.Count == 2
        );
        Assert.Equal(
            [("/personnel/export", 3), ("/personnel/", 2)],
            reads
                .Select(e => (e!["route"]!.GetValue<string>(), e["rowsRead"]!.GetValue<int>()))
                .OrderBy(r => r.Item1 == "/personnel/")
        );
        Assert.All(reads, e => Assert.Equal("read", e!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AFloodOfReadsDegradesToACountedSummaryNotAFullTable()
    {
        using var dashboard = App.CreateClientWithKey(ReadKey);
        const int calls = RowsAtOnce + 100;
        for (var i = 0; i < calls; i++)
        {
            (await dashboard.GetAsync("/personnel")).EnsureSuccessStatusCode();
        }

        await App.Services.GetRequiredService<AuditRecorder>().WriteSummariesAsync();

        await using var db = await App.OpenDatabaseAsync();
        var rows = (
            await db.QueryAsync<(string Method, int? Suppressed)>(
                "SELECT method, suppressed FROM audit_log WHERE key_name = 'dashboard'"
            )
        ).AsList();
        // A summary every few seconds: a slow flood may span more than one.
        var summaries = rows.Where(r => r.Method == "*").ToList();
        Assert.NotEmpty(summaries);
        var single = rows.Count - summaries.Count;
        Assert.InRange(single, RowsAtOnce, calls - 50);
        Assert.Equal(calls, single + summaries.Sum(r => r.Suppressed));
    }
}
