using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;

namespace Relay.Tests.Integration;

/// <summary>The fleet listed worst first, across pages: the order holds over the whole fleet, not one page at a
/// time.</summary>
public sealed class ClientSortTests : AppTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // name, messages waiting (the oldest queued this many minutes ago), refused messages, last contact (minutes
        // ago; -1 never)
        (string Name, int Pending, int OldestMinutes, int Failed, int ContactMinutes)[] fleet =
        [
            ("delta", 1, 5, 0, 1),
            ("alpha", 3, 1, 2, -1),
            ("echo", 0, 0, 1, 30),
            ("bravo", 3, 60, 0, 5),
            ("charlie", 0, 0, 0, -1),
        ];
        await using var db = await App.OpenDatabaseAsync();
        var port = 6100;
        foreach (var (name, pending, oldest, failed, contact) in fleet)
        {
            var id = await Http.CreateClientAsync(name, port++);
            for (var i = 0; i < pending + failed; i++)
            {
                await db.ExecuteAsync(
                    """
                    INSERT INTO messages (client_id, uid, kind, item_count, payload, created_at, state)
                    VALUES (@id, REPLACE(UUID(), '-', ''), 'save', 1, '{}', UTC_TIMESTAMP(6) - INTERVAL @minutes MINUTE, @state)
                    """,
                    new
                    {
                        id,
                        minutes = i == 0 ? oldest : 0,
                        state = i < pending ? "pending" : "failed",
                    }
                );
            }

            if (contact >= 0)
            {
                await db.ExecuteAsync(
                    "UPDATE clients SET last_contact_at = UTC_TIMESTAMP(6) - INTERVAL @contact MINUTE WHERE id = @id",
                    new { id, contact }
                );
            }
        }
    }

    [Theory]
    [InlineData("id", "delta,alpha,echo,bravo,charlie")]
    [InlineData("name", "alpha,bravo,charlie,delta,echo")]
    [InlineData("mostPending", "alpha,bravo,delta,echo,charlie")]
    [InlineData("oldestPending", "bravo,delta,alpha,echo,charlie")]
    [InlineData("mostFailed", "alpha,echo,delta,bravo,charlie")]
    [InlineData("longestSilent", "alpha,charlie,echo,bravo,delta")]
    public async Task EveryOrderHoldsAcrossPages(string sort, string expected)
    {
        var names = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var query = $"/clients?sort={sort}&limit=2" + (after is null ? "" : $"&after={after}");
            var page = (await Http.GetFromJsonAsync<JsonObject>(query))!;
            names.AddRange(page["items"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
            after = page["nextAfter"]?.GetValue<string>();
            pages++;
        } while (after is not null && pages < 10);

        Assert.Equal(expected, string.Join(',', names));
    }

    [Fact]
    public async Task ASortedListFilteredByStateKeepsBoth()
    {
        var page = (await Http.GetFromJsonAsync<JsonObject>("/clients?sort=mostPending&state=behind"))!;

        // alpha is behind too, but its refused messages put it under "failed".
        Assert.Equal(
            "bravo,delta",
            string.Join(',', page["items"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()))
        );
        Assert.Null(page["nextAfter"]);
    }

    [Fact]
    public async Task OnlyTheIdOrderHasANextAfterId()
    {
        var byId = (await Http.GetFromJsonAsync<JsonObject>("/clients?limit=2"))!;
        var byName = (await Http.GetFromJsonAsync<JsonObject>("/clients?limit=2&sort=name"))!;

        Assert.NotNull(byId["nextAfterId"]);
        Assert.Null(byName["nextAfterId"]);
        Assert.NotNull(byName["nextAfter"]);
    }

    [Fact]
    public async Task ACursorOfOneOrderIsRefusedByAnother()
    {
        var cursor = (await Http.GetFromJsonAsync<JsonObject>("/clients?limit=2&sort=name"))![
            "nextAfter"
        ]!.GetValue<string>();

        using var answer = await Http.GetAsync($"/clients?sort=mostPending&after={cursor}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.NotNull((await answer.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["after"]);
    }
}
