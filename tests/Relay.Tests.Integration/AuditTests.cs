using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace Relay.Tests.Integration;

public sealed class AuditTests : AppTest
{
    private const string OperateKey = "ci-operate-key-0001";

    public override Task InitializeAsync()
    {
        App.With("Auth:Keys:0:Name", "ci").With("Auth:Keys:0:Key", OperateKey).With("Auth:Keys:0:Role", "operate");
        return base.InitializeAsync();
    }

    [Fact]
    public async Task EveryChangingCallLeavesOneRowNamingTheKeyRouteIdsAndStatusAndReadsLeaveNone()
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
                    e["target"]!.GetValue<string>()
                )
            )
        );
        Assert.All(page, e => Assert.Equal("admin", e!["keyName"]!.GetValue<string>()));
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

        var entry = Assert.Single((await Http.GetFromJsonAsync<JsonObject>("/audit?key=ci"))!["items"]!.AsArray());
        Assert.Equal(("POST", 403), (entry!["method"]!.GetValue<string>(), entry["status"]!.GetValue<int>()));
        Assert.Empty((await Http.GetFromJsonAsync<JsonObject>("/audit?key=admin"))!["items"]!.AsArray());
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
}
