using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Drift is found and repaired by difference: a client's SQLite file changed behind Relay's back
/// (a row edited, one deleted, a stray one added) is reported with exactly those counts, and a sync
/// sends only those rows. Verify is judged after the messages queued before it, and a client sent
/// only some personnel is in sync with just those.
/// </summary>
[TakesAbout(40)]
public sealed class VerifyAndSyncTests : IAsyncLifetime
{
    private const int Personnel = 2_000;
    private readonly RelayStack _stack = new(clients: 2);

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        await _stack.SeedPersonnelAsync(Personnel);

        // Client 1 holds everything, client 2 one personnel.
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[0]}/personnel?wait=30");
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[1]}/personnel/7?wait=30");
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task ClientsSentEverythingOrOnlySomePersonnelAreInSync()
    {
        var (status, fleet) = await _stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=30");

        Assert.Equal(200, status);
        Assert.True(fleet["inSync"]!.GetValue<bool>(), fleet.ToJsonString());
        Assert.Equal(
            (2, 2, 0, 0),
            (
                fleet["clients"]!.GetValue<int>(),
                fleet["judged"]!.GetValue<int>(),
                fleet["drifted"]!.GetValue<int>(),
                fleet["pending"]!.GetValue<int>()
            )
        );
        var results = fleet["verifications"]!.AsArray().Select(v => v!.AsObject()).ToList();
        Assert.Equal([Personnel, 1], results.Select(r => r["expectedRows"]!.GetValue<long>()));
        Assert.Equal([Personnel, 1], results.Select(r => r["clientRows"]!.GetValue<long>()));
    }

    [Fact]
    public async Task DriftOnTheSqliteFileIsReportedAndASyncSendsOnlyTheDifference()
    {
        var client = _stack.Clients[0];
        await TamperAsync(
            client.DatabasePath,
            """
            UPDATE personnel SET surname = 'Tampered' WHERE id = 10;
            DELETE FROM personnel WHERE id = 20;
            INSERT INTO personnel (id, name, surname, ssn) VALUES (999999, 'Stray', 'Row', '99999999999');
            """
        );

        var (status, verdict) = await _stack.Api.SendJsonAsync(
            HttpMethod.Get,
            $"/clients/{_stack.ClientIds[0]}/verify?wait=30"
        );

        Assert.Equal(200, status);
        Assert.False(verdict["inSync"]!.GetValue<bool>());
        Assert.Equal((1, 1, 1), (Count(verdict, "missing"), Count(verdict, "extra"), Count(verdict, "different")));
        Assert.Equal([20], verdict.Ids("missingIds"));
        Assert.Equal([999999], verdict.Ids("extraIds"));
        Assert.Equal([10], verdict.Ids("differentIds"));

        // Digests, not rows: far less than the table's ~100 KB.
        Assert.InRange(verdict["bytesMoved"]!.GetValue<long>(), 1, 10_000);

        var (syncStatus, sync) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{_stack.ClientIds[0]}/personnel?sync=true&wait=30"
        );
        Assert.Equal(200, syncStatus);
        var message = await _stack.Api.JsonAsync($"/messages/{(await _stack.Api.MessageIdsOfAsync(sync)).Single()}");
        Assert.Equal(
            ("sync", "delivered", 3),
            (
                message["kind"]!.GetValue<string>(),
                message["state"]!.GetValue<string>(),
                message["itemCount"]!.GetValue<int>()
            )
        );

        var rows = await client.StoredRowsAsync();
        Assert.Equal(Personnel, rows.Length);
        Assert.Equal(Enumerable.Range(1, Personnel).Select(i => (long)i), rows.Select(r => r.Id));
        Assert.Contains((10L, "Name9", "Surname", "10000000009"), rows);

        var (_, after) = await _stack.Api.SendJsonAsync(
            HttpMethod.Get,
            $"/clients/{_stack.ClientIds[0]}/verify?wait=30"
        );
        Assert.True(after["inSync"]!.GetValue<bool>(), after.ToJsonString());
    }

    [Fact]
    public async Task AnEditHeldBackIsReportedAsDifferentAndASyncBringsItToTheClient()
    {
        (
            await _stack.Api.PutAsJsonAsync(
                "/personnel/7?propagate=false",
                new
                {
                    name = "Edited",
                    surname = "Held",
                    ssn = "10000000006",
                }
            )
        ).EnsureSuccessStatusCode();

        var (_, fleet) = await _stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=30");

        Assert.False(fleet["inSync"]!.GetValue<bool>());
        Assert.All(fleet["verifications"]!.AsArray(), v => Assert.Equal([7], v!.AsObject().Ids("differentIds")));

        var (status, _) = await _stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel?sync=true&wait=30");
        Assert.Equal(200, status);
        Assert.Contains((7L, "Edited", "Held", "10000000006"), await _stack.Clients[1].StoredRowsAsync());

        // Syncing every client to the server's personnel: client 2 now holds all of them too.
        Assert.Equal(Personnel, (await _stack.Clients[1].StoredRowsAsync()).Length);
        var (_, again) = await _stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=30");
        Assert.True(again["inSync"]!.GetValue<bool>(), again.ToJsonString());
    }

    [Fact]
    public async Task AVerifyIsJudgedAfterTheMessagesQueuedBeforeIt()
    {
        var client = _stack.Clients[1];
        Assert.Equal(0, await client.Process!.StopAsync());
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[1]}/personnel");

        using var response = await _stack.Api.GetAsync($"/clients/{_stack.ClientIds[1]}/verify");
        var pending = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal("pending", pending["state"]!.GetValue<string>());
        Assert.Equal($"/verifications/{pending["id"]}", response.Headers.Location?.OriginalString);

        await client.StartAsync();
        var judged = await Eventually.ReturnsAsync(
            () => _stack.Api.JsonAsync(response.Headers.Location!.OriginalString),
            v => v["state"]!.GetValue<string>() != "pending",
            TimeSpan.FromSeconds(30),
            because: "the verify runs once the client is back"
        );
        Assert.True(judged["inSync"]!.GetValue<bool>(), judged.ToJsonString());
        Assert.Equal(Personnel, judged["expectedRows"]!.GetValue<long>());
    }

    private static long Count(JsonObject verdict, string property) => verdict[property]!.GetValue<long>();

    /// <summary>Changes the client's SQLite file behind Relay's back, as a hand edit or a restored disk
    /// would.</summary>
    private static async Task TamperAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()
        );
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
