using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Access that expires offline: a personnel's validity window travels to the sites, a site lists only those valid
/// at the time of the read even while the server is down, purges expired rows after its setting, and verify treats
/// the window as part of the row without counting expired rows a site purged as drift.
/// </summary>
public sealed class ValidityWindowTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 1);
    private readonly ClientDaemon _purging = ClientDaemon.Alone(
        "purging",
        new Dictionary<string, string> { ["Client:PurgeExpiredAfter"] = "00:00:02" }
    );

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        await _stack.RegisterAsync(_purging, "Purging site");
        await _purging.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _purging.DisposeAsync();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task AnExpiredContractorDropsOffASiteCutOffFromTheServerAndVerifyStillAgrees()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var until = now.AddSeconds(6);
        var contractor = await CreateAsync("Con", "12345678901", null, until);
        var starter = await CreateAsync("Starter", "12345678902", now.AddHours(1), null);
        var staff = await CreateAsync("Staff", "12345678903", null, null);
        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel?wait=30");

        // Judged at a given time, the listing does not depend on how long the above took.
        var site = _stack.Clients[0];
        Assert.Equal([contractor, staff], await ListedAsync(site, $"?at={Iso(now)}"));
        Assert.Equal([starter, staff], await ListedAsync(site, $"?at={Iso(now.AddHours(2))}"));
        Assert.Equal([contractor, starter, staff], await ListedAsync(site, "?all=true"));
        using (var http = _purging.CreateHttp())
        {
            using var notYet = await http.GetAsync($"/personnel/{starter}");
            Assert.Equal(404, (int)notYet.StatusCode);
            Assert.Contains("all=true", await notYet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var held = await http.GetFromJsonAsync<JsonObject>($"/personnel/{starter}?all=true");
            Assert.Equal(Iso(now.AddHours(1)), held!["validFrom"]!.GetValue<string>());
        }

        // The server goes away; the contractor's access ends on every site all the same.
        _stack.Server.Process.Kill();
        await Eventually.ReturnsAsync(
            () => ListedAsync(site, ""),
            ids => ids.SequenceEqual([staff]),
            TimeSpan.FromSeconds(30),
            "the site lists the contractor no longer once the window has ended"
        );
        Assert.Contains(contractor, await ListedAsync(site, "?all=true"));
        await Eventually.ReturnsAsync(
            () => ListedAsync(_purging, "?all=true"),
            ids => ids.SequenceEqual([starter, staff]),
            TimeSpan.FromSeconds(30),
            "the purging site deletes the expired row two seconds after it expired"
        );
        Assert.DoesNotContain(await _purging.StoredRowsAsync(), r => r.Id == contractor);

        // Back online: holding the expired row and having purged it are both in sync.
        await _stack.StartServerAsync();
        var (status, fleet) = await _stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=30");
        Assert.Equal(200, status);
        Assert.True(fleet["inSync"]!.GetValue<bool>(), fleet.ToJsonString());

        // A window changed on the server only is drift, and a sync sends it.
        var extended = now.AddDays(30);
        using (
            var edit = await _stack.Api.PutAsJsonAsync(
                $"/personnel/{staff}?propagate=false",
                new
                {
                    name = "Staff",
                    surname = "Windowed",
                    ssn = "12345678903",
                    validUntil = extended,
                }
            )
        )
        {
            edit.EnsureSuccessStatusCode();
        }

        var (_, drifted) = await _stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=30");
        Assert.All(drifted["verifications"]!.AsArray(), v => Assert.Equal([staff], v!.AsObject().Ids("differentIds")));
        var (syncStatus, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            "/clients/all/personnel?sync=true&wait=30"
        );
        Assert.Equal(200, syncStatus);
        var (_, after) = await _stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=30");
        Assert.True(after["inSync"]!.GetValue<bool>(), after.ToJsonString());
        using var siteHttp = _purging.CreateHttp();
        var staffHeld = await siteHttp.GetFromJsonAsync<JsonObject>($"/personnel/{staff}");
        Assert.Equal(Iso(extended), staffHeld!["validUntil"]!.GetValue<string>());
    }

    private async Task<long> CreateAsync(string name, string ssn, DateTimeOffset? from, DateTimeOffset? until)
    {
        using var response = await _stack.Api.PostAsJsonAsync(
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
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    private static async Task<long[]> ListedAsync(ClientDaemon site, string query)
    {
        using var http = site.CreateHttp();
        var page = await http.GetFromJsonAsync<JsonObject>($"/personnel{query}");
        return [.. page!["items"]!.AsArray().Select(p => p!["id"]!.GetValue<long>())];
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
