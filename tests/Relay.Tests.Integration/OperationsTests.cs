using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Integration;

public sealed class OperationsTests() : AppTest(new ServerApp().With("Outbox:BatchSize", "2"))
{
    private long _c1,
        _c2,
        _newton,
        _einstein,
        _curie;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_c1, _c2, _newton, _einstein, _curie) = await Http.SeedTwoClientsThreePersonnelAsync();
    }

    [Fact]
    public async Task SendingOnePersonnelToOneClientQueuesOneSaveForThatClient()
    {
        var ids = await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");

        var row = Assert.Single(await App.RowsAsync());
        Assert.Equal([row.Id], ids);
        Assert.Equal((_c1, "save", "pending"), (row.ClientId, row.Kind, row.State));
        Assert.Equal([new PersonnelRecord(_newton, "Isaac", "Newton", "12345678900")], row.Body.Personnel);
    }

    [Fact]
    public async Task SendingOnePersonnelToAllClientsQueuesOneSaveForTheWholeFleet()
    {
        var ids = await Http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{_einstein}");

        var row = Assert.Single(await App.RowsAsync());
        Assert.Equal([row.Id], ids);
        Assert.Equal((null, _c2, "save"), (row.ClientId, row.AudienceUpto, row.Kind));
        Assert.Equal([_einstein], row.Body.Personnel!.Select(p => p.Id));
    }

    [Fact]
    public async Task SendingAllPersonnelToAllClientsQueuesEveryPersonnelInBatchesInIdOrder()
    {
        var ids = await Http.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        var rows = await App.RowsAsync();
        Assert.Equal(ids, rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Null(r.ClientId));
        Assert.Equal(
            [
                [_newton, _einstein],
                [_curie],
            ],
            rows.Select(r => r.Body.Personnel!.Select(p => p.Id).ToArray())
        );
    }

    [Fact]
    public async Task ABroadcastWritesOneRowPerBatchWhateverTheNumberOfClients()
    {
        for (var i = 3; i <= 40; i++)
        {
            await Http.CreateClientAsync($"Client #{i}", 5000 + i);
        }

        await Http.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        await using var db = await App.OpenDatabaseAsync();
        var (messages, batches) = await db.QuerySingleAsync<(long, long)>(
            "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM batches)"
        );
        Assert.Equal((2L, 2L), (messages, batches));
        foreach (var client in (long[])[_c1, _c2])
        {
            var listed = await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/clients/{client}");
            Assert.Equal(2, listed!["pendingMessages"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task AClientRegisteredAfterABroadcastDoesNotReceiveIt()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{_newton}");
        var late = await Http.CreateClientAsync("Late", 5009);
        var own = Assert.Single(await Http.OperateAsync(HttpMethod.Put, $"/clients/{late}/personnel/{_curie}"));

        var queue = App.Services.GetRequiredService<Relay.Server.Queue.DeliveryQueue>();
        Assert.Equal([own], (await queue.NextPendingAsync(late, 8, default)).Select(m => m.Id));
        var listed = await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/clients/{late}");
        Assert.Equal(1, listed!["pendingMessages"]!.GetValue<int>());
    }

    [Fact]
    public async Task AClientsOwnMessagesAndBroadcastsReachItInTheOrderTheyWereQueued()
    {
        var first = await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");
        var everyone = await Http.OperateAsync(HttpMethod.Delete, "/clients/all/personnel");
        var last = await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_curie}");

        var queue = App.Services.GetRequiredService<Relay.Server.Queue.DeliveryQueue>();
        var head = await queue.NextPendingAsync(_c1, 8, default);
        Assert.Equal([.. first, .. everyone, .. last], head.Select(m => m.Id));
        Assert.Equal(["save", "deleteAll", "save"], head.Select(m => m.Kind));
        Assert.Equal([false, true, false], head.Select(m => m.IsBroadcast));

        // The other client has only the broadcast; acknowledging it there leaves it pending here.
        var other = await queue.NextPendingAsync(_c2, 8, default);
        await queue.MarkDeliveredAsync(other, default);
        Assert.Equal(everyone, other.Select(m => m.Id));
        Assert.Equal(3, (await queue.NextPendingAsync(_c1, 8, default)).Count);
        Assert.Empty(await queue.NextPendingAsync(_c2, 8, default));
    }

    [Fact]
    public async Task SendingAllPersonnelToOneClientQueuesOnlyForThatClient()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c2}/personnel");

        var rows = await App.RowsAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal((_c2, "save"), (r.ClientId, r.Kind)));
        Assert.Equal([_newton, _einstein, _curie], rows.SelectMany(r => r.Body.Personnel!).Select(p => p.Id));
    }

    [Fact]
    public async Task DeletingOnePersonnelFromOneClientQueuesOneDelete()
    {
        await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c2}/personnel/{_curie}");

        var row = Assert.Single(await App.RowsAsync());
        Assert.Equal((_c2, "delete"), (row.ClientId, row.Kind));
        Assert.Equal([_curie], row.Body.PersonnelIds);
    }

    [Fact]
    public async Task DeletingOnePersonnelFromAllClientsQueuesADeleteForEachClientToSendAheadOfItsQueue()
    {
        await Http.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{_newton}");

        var rows = await App.RowsAsync();
        Assert.Equal([_c1, _c2], rows.Select(r => r.ClientId));
        Assert.All(rows, r => Assert.Equal([_newton], r.Body.PersonnelIds));
    }

    [Fact]
    public async Task DeletingAllPersonnelFromAllClientsQueuesOneDeleteAllForTheWholeFleet()
    {
        await Http.OperateAsync(HttpMethod.Delete, "/clients/all/personnel");

        var row = Assert.Single(await App.RowsAsync());
        Assert.Equal((null, MessageKind.DeleteAll), (row.ClientId, row.Body.Kind));
    }

    [Fact]
    public async Task DeletingAllPersonnelFromOneClientQueuesOneDeleteAll()
    {
        await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c1}/personnel");

        var row = Assert.Single(await App.RowsAsync());
        Assert.Equal((_c1, "deleteAll"), (row.ClientId, row.Kind));
    }

    [Fact]
    public async Task AQueuedSaveKeepsTheValuesOfTheCallAndTheEditFollowsItAsAnUpdate()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");
        var edit = await Http.PutAsJsonAsync(
            $"/personnel/{_newton}",
            new
            {
                name = "Sir Isaac",
                surname = "Newton",
                ssn = "12345678900",
            }
        );
        edit.EnsureSuccessStatusCode();
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");

        var forClient = (await App.RowsAsync())
            .Where(r => r.ClientId == _c1 || r.ClientId is null)
            .Select(r => (r.Kind, r.Body.Personnel!.Single().Name));
        Assert.Equal([("save", "Isaac"), ("update", "Sir Isaac"), ("save", "Sir Isaac")], forClient);
    }

    [Fact]
    public async Task AnEditQueuesOneUpdateForEveryClientAsAnOperationInItsOwnTransactionAndAHeldBackEditQueuesNothing()
    {
        var held = await Http.PutAsJsonAsync(
            $"/personnel/{_newton}?propagate=false",
            new
            {
                name = "Held",
                surname = "Back",
                ssn = "12345678900",
            }
        );
        held.EnsureSuccessStatusCode();
        Assert.Empty(await App.RowsAsync());

        var edit = await Http.PutAsJsonAsync(
            $"/personnel/{_newton}",
            new
            {
                name = "Sir Isaac",
                surname = "Newton",
                ssn = "12345678900",
            }
        );
        edit.EnsureSuccessStatusCode();

        // One row for the fleet, whatever its size, and an operation to follow it by.
        var row = Assert.Single(await App.RowsAsync());
        Assert.Equal(
            ("update", null, _newton, "Sir Isaac"),
            (row.Kind, row.ClientId, row.Body.Personnel!.Single().Id, row.Body.Personnel!.Single().Name)
        );
        var clients = (await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/clients?limit=1000"))!["items"]!
            .AsArray()
            .Count;
        var operation = (await Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/operations?limit=1"))![
            "items"
        ]![0]!;
        Assert.Equal(
            ("updatePersonnel", _newton, clients, (long)clients),
            (
                operation["kind"]!.GetValue<string>(),
                operation["target"]!["personnelId"]!.GetValue<long>(),
                operation["clients"]!["pending"]!.GetValue<int>(),
                operation["messages"]!["total"]!.GetValue<long>()
            )
        );
    }

    [Fact]
    public async Task SendingToAServerWithNoPersonnelQueuesNothing()
    {
        foreach (var id in new[] { _newton, _einstein, _curie })
        {
            (await Http.DeleteAsync($"/personnel/{id}?propagate=false")).EnsureSuccessStatusCode();
        }

        Assert.Empty(await App.RowsAsync());
        Assert.Empty(await Http.OperateAsync(HttpMethod.Put, "/clients/all/personnel"));
        Assert.Empty(await App.RowsAsync());
    }

    [Theory]
    [InlineData("PUT", "/clients/999/personnel/{p}", "Client")]
    [InlineData("PUT", "/clients/{c}/personnel/999", "Personnel")]
    [InlineData("PUT", "/clients/all/personnel/999", "Personnel")]
    [InlineData("PUT", "/clients/999/personnel", "Client")]
    [InlineData("DELETE", "/clients/999/personnel/{p}", "Client")]
    [InlineData("DELETE", "/clients/999/personnel", "Client")]
    public async Task AnUnknownIdIs404AndQueuesNothing(string method, string path, string what)
    {
        var response = await Http.SendAsync(
            new HttpRequestMessage(new HttpMethod(method), path.Replace("{c}", $"{_c1}").Replace("{p}", $"{_newton}"))
        );

        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(what, problem["title"]!.GetValue<string>());
        Assert.Empty(await App.RowsAsync());
    }

    [Theory]
    [InlineData("PUT", "/clients/abc/personnel/1", "clientId")]
    [InlineData("PUT", "/clients/1/personnel/1.5", "personnelId")]
    [InlineData("PUT", "/clients/0/personnel/1", "clientId")]
    [InlineData("DELETE", "/clients/all/personnel/-4", "personnelId")]
    [InlineData("PUT", "/clients/99999999999999999999/personnel", "clientId")]
    [InlineData("DELETE", "/clients/x/personnel", "clientId")]
    public async Task AnIdThatIsNotAPositiveIntegerIs400NamingTheParameter(string method, string path, string field)
    {
        var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Empty(await App.RowsAsync());
    }
}
