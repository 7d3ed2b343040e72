using System.Net.Http.Json;
using System.Net;
using Dapper;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Integration;

public sealed class OperationsTests : IAsyncLifetime
{
    private readonly ServerApp _app = new ServerApp().With("Outbox:BatchSize", "2");
    private HttpClient _http = null!;
    private long _c1, _c2, _newton, _einstein, _curie;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_app).InitializeAsync();
        _http = _app.CreateClient();
        _c1 = await _http.CreateClientAsync("Client #1", 5001);
        _c2 = await _http.CreateClientAsync("Client #2", 5002);
        _newton = await _http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        _einstein = await _http.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        _curie = await _http.CreatePersonnelAsync("Marie", "Curie", "11122233344");
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task SendingOnePersonnelToOneClientQueuesOneSaveForThatClient()
    {
        var ids = await _http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");

        var row = Assert.Single(await _app.RowsAsync());
        Assert.Equal([row.Id], ids);
        Assert.Equal((_c1, "save", "pending"), (row.ClientId, row.Kind, row.State));
        Assert.Equal([new PersonnelRecord(_newton, "Isaac", "Newton", "12345678900")], row.Body.Personnel);
    }

    [Fact]
    public async Task SendingOnePersonnelToAllClientsQueuesOneSavePerClient()
    {
        var ids = await _http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{_einstein}");

        var rows = await _app.RowsAsync();
        Assert.Equal(ids, rows.Select(r => r.Id));
        Assert.Equal([_c1, _c2], rows.Select(r => r.ClientId));
        Assert.All(rows, r => Assert.Equal([_einstein], r.Body.Personnel!.Select(p => p.Id)));
    }

    [Fact]
    public async Task SendingAllPersonnelToAllClientsQueuesEveryPersonnelInBatchesForEachClientInIdOrder()
    {
        var ids = await _http.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        var rows = await _app.RowsAsync();
        Assert.Equal(ids, rows.Select(r => r.Id));
        foreach (var client in new[] { _c1, _c2 })
        {
            var batches = rows.Where(r => r.ClientId == client).Select(r => r.Body.Personnel!.Select(p => p.Id).ToArray()).ToList();
            Assert.Equal([[_newton, _einstein], [_curie]], batches);
        }
    }

    [Fact]
    public async Task ABroadcastStoresEachBatchOnceForAllClients()
    {
        await _http.CreateClientAsync("Client #3", 5003);

        await _http.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        await using var db = await _app.OpenDatabaseAsync();
        var (batches, inline, pointing) = await db.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT COUNT(*) FROM batches), (SELECT COUNT(*) FROM messages WHERE payload IS NOT NULL), (SELECT COUNT(DISTINCT batch_id) FROM messages)");
        Assert.Equal((2L, 0L, 2L), (batches, inline, pointing));
        Assert.Equal(6, (await _app.RowsAsync()).Count);
    }

    [Fact]
    public async Task SendingAllPersonnelToOneClientQueuesOnlyForThatClient()
    {
        await _http.OperateAsync(HttpMethod.Put, $"/clients/{_c2}/personnel");

        var rows = await _app.RowsAsync();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal((_c2, "save"), (r.ClientId, r.Kind)));
        Assert.Equal([_newton, _einstein, _curie], rows.SelectMany(r => r.Body.Personnel!).Select(p => p.Id));
    }

    [Fact]
    public async Task DeletingOnePersonnelFromOneClientQueuesOneDelete()
    {
        await _http.OperateAsync(HttpMethod.Delete, $"/clients/{_c2}/personnel/{_curie}");

        var row = Assert.Single(await _app.RowsAsync());
        Assert.Equal((_c2, "delete"), (row.ClientId, row.Kind));
        Assert.Equal([_curie], row.Body.PersonnelIds);
    }

    [Fact]
    public async Task DeletingOnePersonnelFromAllClientsQueuesOneDeletePerClient()
    {
        await _http.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{_newton}");

        var rows = await _app.RowsAsync();
        Assert.Equal([_c1, _c2], rows.Select(r => r.ClientId));
        Assert.All(rows, r => Assert.Equal([_newton], r.Body.PersonnelIds));
    }

    [Fact]
    public async Task DeletingAllPersonnelFromAllClientsQueuesOneDeleteAllPerClient()
    {
        await _http.OperateAsync(HttpMethod.Delete, "/clients/all/personnel");

        var rows = await _app.RowsAsync();
        Assert.Equal([_c1, _c2], rows.Select(r => r.ClientId));
        Assert.All(rows, r => Assert.Equal(MessageKind.DeleteAll, r.Body.Kind));
    }

    [Fact]
    public async Task DeletingAllPersonnelFromOneClientQueuesOneDeleteAll()
    {
        await _http.OperateAsync(HttpMethod.Delete, $"/clients/{_c1}/personnel");

        var row = Assert.Single(await _app.RowsAsync());
        Assert.Equal((_c1, "deleteAll"), (row.ClientId, row.Kind));
    }

    [Fact]
    public async Task AQueuedSaveKeepsTheValuesOfTheCallAndTheEditFollowsItAsAnUpdate()
    {
        await _http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");
        var edit = await _http.PutAsJsonAsync($"/personnel/{_newton}", new { name = "Sir Isaac", surname = "Newton", ssn = "12345678900" });
        edit.EnsureSuccessStatusCode();
        await _http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}");

        var forClient = (await _app.RowsAsync()).Where(r => r.ClientId == _c1).Select(r => (r.Kind, r.Body.Personnel!.Single().Name));
        Assert.Equal([("save", "Isaac"), ("update", "Sir Isaac"), ("save", "Sir Isaac")], forClient);
    }

    [Fact]
    public async Task AnEditQueuesAnUpdateForEveryClientInItsOwnTransactionAndAHeldBackEditQueuesNothing()
    {
        var held = await _http.PutAsJsonAsync($"/personnel/{_newton}?propagate=false", new { name = "Held", surname = "Back", ssn = "12345678900" });
        held.EnsureSuccessStatusCode();
        Assert.Empty(await _app.RowsAsync());

        var edit = await _http.PutAsJsonAsync($"/personnel/{_newton}", new { name = "Sir Isaac", surname = "Newton", ssn = "12345678900" });
        edit.EnsureSuccessStatusCode();

        var rows = await _app.RowsAsync();
        Assert.All(rows, r => Assert.Equal(("update", _newton, "Sir Isaac"), (r.Kind, r.Body.Personnel!.Single().Id, r.Body.Personnel!.Single().Name)));
        Assert.Equal((await _http.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/clients?limit=1000"))!["items"]!.AsArray().Count, rows.Count);
    }

    [Fact]
    public async Task SendingToAServerWithNoPersonnelQueuesNothing()
    {
        foreach (var id in new[] { _newton, _einstein, _curie })
        {
            (await _http.DeleteAsync($"/personnel/{id}?propagate=false")).EnsureSuccessStatusCode();
        }

        Assert.Empty(await _app.RowsAsync());
        Assert.Empty(await _http.OperateAsync(HttpMethod.Put, "/clients/all/personnel"));
        Assert.Empty(await _app.RowsAsync());
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
        var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path.Replace("{c}", $"{_c1}").Replace("{p}", $"{_newton}")));

        var problem = await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(what, problem["title"]!.GetValue<string>());
        Assert.Empty(await _app.RowsAsync());
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
        var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
        Assert.Empty(await _app.RowsAsync());
    }
}
