using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace Relay.Tests.Integration;

/// <summary>The fleet at a glance: each client's state, the counts per state, and listings filtered by state or
/// name.</summary>
public sealed class ClientStatesTests : AppTest
{
    private long _quiet,
        _behind,
        _down,
        _refusing;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _quiet = await Http.CreateClientAsync("north-door", 6001);
        _behind = await Http.CreateClientAsync("north-gate", 6002);
        _down = await Http.CreateClientAsync("south-door", 6003);
        _refusing = await Http.CreateClientAsync("south-gate", 6004);
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        foreach (var client in new[] { _behind, _down })
        {
            (await Http.PutAsync($"/clients/{client}/personnel/{newton}", null)).EnsureSuccessStatusCode();
        }

        // Delivery is off here: set what the sender would have recorded.
        await using var db = await App.OpenDatabaseAsync();
        await db.ExecuteAsync("UPDATE clients SET last_error = 'Connection refused' WHERE id = @_down", new { _down });
        await db.ExecuteAsync(
            """
            INSERT INTO messages (client_id, uid, kind, item_count, payload, created_at, state, last_error)
            VALUES (@_refusing, REPLACE(UUID(), '-', ''), 'save', 1, '{}', UTC_TIMESTAMP(6), 'failed', 'SSN must be 11 digits')
            """,
            new { _refusing }
        );
    }

    [Fact]
    public async Task EachClientSaysWhetherItIsUpToDateBehindUnreachableOrHasFailedMessages()
    {
        var states = (await Http.GetFromJsonAsync<JsonObject>("/clients"))!["items"]!
            .AsArray()
            .ToDictionary(c => c!["id"]!.GetValue<long>(), c => c!["state"]!.GetValue<string>());

        Assert.Equal("upToDate", states[_quiet]);
        Assert.Equal("behind", states[_behind]);
        Assert.Equal("unreachable", states[_down]);
        Assert.Equal("failed", states[_refusing]);
        Assert.Equal(
            "unreachable",
            (await Http.GetFromJsonAsync<JsonObject>($"/clients/{_down}"))!["state"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task TheCountsPerStateAddUpToTheFleet()
    {
        var counts = (await App.CreateClientWithKey(null).GetFromJsonAsync<JsonObject>("/clients/states"))!;

        Assert.Equal(
            (4, 1, 1, 1, 1),
            (
                counts["total"]!.GetValue<long>(),
                counts["upToDate"]!.GetValue<long>(),
                counts["behind"]!.GetValue<long>(),
                counts["unreachable"]!.GetValue<long>(),
                counts["failed"]!.GetValue<long>()
            )
        );
    }

    [Theory]
    [InlineData("state=unreachable", "south-door")]
    [InlineData("state=behind", "north-gate")]
    [InlineData("name=DOOR", "north-door,south-door")]
    [InlineData("name=south&state=failed", "south-gate")]
    [InlineData("name=50%25", "")]
    public async Task TheListingFiltersByStateAndByAPartOfTheName(string query, string expected)
    {
        var names = (await Http.GetFromJsonAsync<JsonObject>($"/clients?{query}"))!["items"]!
            .AsArray()
            .Select(c => c!["name"]!.GetValue<string>());

        Assert.Equal(expected, string.Join(',', names));
    }

    [Theory]
    [InlineData("state=broken", "state")]
    [InlineData("state=UPTODATE", "state")]
    public async Task AnUnknownStateIs400NamingIt(string query, string field)
    {
        using var answer = await Http.GetAsync($"/clients?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.NotNull((await answer.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
    }
}
