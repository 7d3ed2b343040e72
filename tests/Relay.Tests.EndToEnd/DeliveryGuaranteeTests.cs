using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

[TakesAbout(85)]
public sealed class DeliveryGuaranteeTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(
        clients: 2,
        serverSettings: new Dictionary<string, string> { ["Outbox:BatchSize"] = "2" }
    );

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task WaitingForAnOperationAnswers200OnlyOnceTheClientHoldsTheRow()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var (status, body) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{_stack.ClientIds[0]}/personnel/{newton}?wait=10"
        );

        Assert.Equal(200, status);
        Assert.Equal(
            ("delivered", 1, 0),
            (
                body["state"]!.GetValue<string>(),
                body["clients"]!["done"]!.GetValue<int>(),
                body["messages"]!["pending"]!.GetValue<long>()
            )
        );
        Assert.Equal("12345678900", Assert.Single(await _stack.Clients[0].StoredRowsAsync()).Ssn);
    }

    [Fact]
    public async Task WaitingOnADownClientAnswers202WithTheClientStillPending()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        // Connected (handshake done) before the one-second wait, so only the down client can keep it from settling.
        Assert.Equal(
            200,
            (
                await _stack.Api.SendJsonAsync(
                    HttpMethod.Put,
                    $"/clients/{_stack.ClientIds[0]}/personnel/{newton}?wait=10"
                )
            ).Status
        );
        await _stack.Clients[1].Process!.StopAsync();

        var (status, body) = await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=1");

        // One message for the fleet: client 1 has it, it stays pending for the client that is down.
        Assert.Equal(202, status);
        Assert.Equal("pending", body["state"]!.GetValue<string>());
        Assert.Equal(
            (2, 1, 1, 0),
            (
                body["clients"]!["total"]!.GetValue<int>(),
                body["clients"]!["done"]!.GetValue<int>(),
                body["clients"]!["pending"]!.GetValue<int>(),
                body["clients"]!["failed"]!.GetValue<int>()
            )
        );
        var lagging = Assert.Single(
            (await _stack.Api.JsonAsync($"/operations/{body["id"]}/clients"))["items"]!.AsArray()
        );
        Assert.Equal(_stack.ClientIds[1], lagging!["clientId"]!.GetValue<long>());
        Assert.Single(await _stack.Api.MessageIdsOfAsync(body));
        Assert.Contains(newton, (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Id));
        Assert.Equal(
            400,
            (await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=61")).Status
        );
    }

    [Fact]
    public async Task ReplacingLeavesTheClientHoldingExactlyTheServersPersonnel()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await _stack.CreatePersonnelAsync($"P{i}", "Replace", $"2000000000{i}"));
        }

        var client = _stack.ClientIds[0];
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel?wait=10");
        (await _stack.Api.DeleteAsync($"/personnel/{ids[0]}")).EnsureSuccessStatusCode();
        (await _stack.Api.DeleteAsync($"/personnel/{ids[1]}")).EnsureSuccessStatusCode();
        var added = await _stack.CreatePersonnelAsync("New", "Comer", "30000000000");

        var (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{client}/personnel?replace=true&wait=10"
        );

        Assert.Equal(200, status);
        var held = (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Id);
        Assert.Equal([ids[2], ids[3], ids[4], added], held);
        Assert.Empty(await _stack.Clients[1].StoredRowsAsync());
    }

    [Fact]
    public async Task AMessageTheClientRefusesIsMarkedFailedLaterOnesContinueAndARetryDeliversItOnceFixed()
    {
        var client = _stack.ClientIds[0];
        await using var db = new MySqlConnection(_stack.ConnectionString);
        var bad = await _stack.InjectRefusedSaveAsync(client);
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{client}/personnel/{newton}?wait=10"
        );
        Assert.Equal(200, status);

        var failed = await _stack.Api.JsonAsync($"/messages/{bad}");
        Assert.Equal("failed", failed["state"]!.GetValue<string>());
        Assert.Contains("SSN", failed["lastError"]!.GetValue<string>());
        Assert.Equal(
            [bad],
            (await _stack.Api.JsonAsync("/messages?state=failed"))["items"]!
                .AsArray()
                .Select(m => m!["id"]!.GetValue<long>())
        );
        Assert.Equal(1, (await _stack.Api.JsonAsync($"/clients/{client}"))["failedMessages"]!.GetValue<long>());

        await db.ExecuteAsync(
            "UPDATE messages SET payload = REPLACE(payload, '\"123\"', '\"12312312312\"') WHERE id = @bad",
            new { bad }
        );
        Assert.Equal(202, (await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/messages/{bad}/retry")).Status);

        await Eventually.ReturnsAsync(
            () => _stack.Api.JsonAsync($"/messages/{bad}"),
            m => m["state"]!.GetValue<string>() == "delivered"
        );
        Assert.Equal(
            [(newton, "12345678900"), (77L, "12312312312")],
            (await _stack.Clients[0].StoredRowsAsync()).Select(r => (r.Id, r.Ssn)).Order()
        );
        Assert.Equal(409, (await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/messages/{bad}/retry")).Status);
    }

    [Fact]
    public async Task ARefusedMessageRetriedWithCurrentDataIsDeliveredAndOneThatCannotBeFixedIsDiscarded()
    {
        var client = _stack.ClientIds[0];
        var fixable = await _stack.CreatePersonnelAsync("Bad", "Data", "12312312312");
        var bad = await _stack.InjectRefusedSaveAsync(client, fixable);
        var orphan = await _stack.InjectRefusedSaveAsync(client, 999_999);
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        Assert.Equal(
            200,
            (await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10")).Status
        );
        Assert.Equal(2, (await _stack.Api.JsonAsync($"/clients/{client}"))["failedMessages"]!.GetValue<long>());

        // As it was, the client refuses it again, and waiting says so with the client's reason.
        var (again, refusal) = await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/messages/{bad}/retry?wait=10");
        Assert.Equal(409, again);
        Assert.Contains("SSN", refusal["detail"]!.GetValue<string>());

        // Rebuilt from the server's row, it goes through, and the wait answers once the client holds it.
        var (retried, delivered) = await _stack.Api.SendJsonAsync(
            HttpMethod.Post,
            $"/messages/{bad}/retry?current=true&wait=10"
        );
        Assert.Equal(200, retried);
        Assert.Equal("delivered", delivered["state"]!.GetValue<string>());
        Assert.Contains(
            (fixable, "12312312312"),
            (await _stack.Clients[0].StoredRowsAsync()).Select(r => (r.Id, r.Ssn))
        );

        // Nothing on the server to rebuild the other from: it can only be discarded.
        Assert.Equal(
            409,
            (await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/messages/{orphan}/retry?current=true")).Status
        );
        Assert.Equal(204, (await _stack.Api.SendJsonAsync(HttpMethod.Delete, $"/messages/{orphan}")).Status);
        Assert.Equal(0, (await _stack.Api.JsonAsync($"/clients/{client}"))["failedMessages"]!.GetValue<long>());
        Assert.Equal(404, (await _stack.Api.SendJsonAsync(HttpMethod.Delete, $"/messages/{orphan}")).Status);
        Assert.Equal(409, (await _stack.Api.SendJsonAsync(HttpMethod.Delete, $"/messages/{bad}")).Status);
    }

    [Fact]
    public async Task AClientThatIsDownLongerThanTheBreakerWindowCatchesUpWhileTheOtherIsServedMeanwhile()
    {
        var (up, down) = (_stack.ClientIds[0], _stack.ClientIds[1]);
        var people = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            people.Add(await _stack.CreatePersonnelAsync($"P{i}", "Offline", $"4000000000{i}"));
        }

        await _stack.Clients[1].Process!.StopAsync();
        var downSince = DateTime.UtcNow;
        foreach (var person in people)
        {
            await _stack.OperateAsync(HttpMethod.Put, $"/clients/{down}/personnel/{person}");
            // The live client's own messages go out while the other's queue is stuck and its circuit opens.
            var (status, _) = await _stack.Api.SendJsonAsync(
                HttpMethod.Put,
                $"/clients/{up}/personnel/{person}?wait=5"
            );
            Assert.Equal(200, status);
            await Task.Delay(400);
        }

        Assert.True(
            DateTime.UtcNow - downSince > TimeSpan.FromSeconds(2),
            "the client should stay down longer than the breaker's break"
        );
        var behind = await _stack.Api.JsonAsync($"/clients/{down}");
        Assert.Equal(6, behind["pendingMessages"]!.GetValue<long>());
        Assert.NotNull(behind["lastError"]);

        await _stack.Clients[1].StartAsync();
        await Eventually.ReturnsAsync(
            _stack.Clients[1].StoredRowsAsync,
            rows => rows.Length == 6,
            TimeSpan.FromSeconds(20),
            because: "the returning client catches up"
        );

        // The last row is committed on the client a moment before its acknowledgement is recorded on the server.
        await Eventually.ReturnsAsync(
            async () => (await _stack.Api.JsonAsync($"/clients/{down}"))["pendingMessages"]!.GetValue<long>(),
            pending => pending == 0,
            TimeSpan.FromSeconds(5),
            because: "the server records the acknowledgements"
        );
    }

    [Fact]
    public async Task ADeletionOvertakesABulkOnEveryClientAndTheBulkNeverBringsThePersonnelBack()
    {
        // 300 personnel in messages of two: a bulk of 150 messages per client.
        var ids = await _stack.SeedPersonnelAsync(300);
        var last = ids[^1];
        var (_, bulk) = await _stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel");

        // The deleted personnel's save is in the bulk's last message, queued before the deletion.
        var (status, deletion) = await _stack.Api.SendJsonAsync(
            HttpMethod.Delete,
            $"/clients/all/personnel/{last}?wait=30"
        );

        Assert.Equal(200, status);
        var deletions = await _stack.Api.MessageIdsOfAsync(deletion);
        var bulkMessages = await _stack.Api.MessageIdsOfAsync(bulk);
        await _stack.DrainedAsync();
        foreach (var client in _stack.Clients)
        {
            // Applied ahead of bulk messages queued before it, and the bulk's save did not re-create the row.
            Assert.True(
                await AppliedAfterAsync(client, deletions, bulkMessages) > 0,
                "the deletion should reach the client before the end of the bulk"
            );
            var rows = await client.StoredRowsAsync();
            Assert.Equal(299, rows.Length);
            Assert.DoesNotContain(last, rows.Select(r => r.Id));
        }

        var verdict = await _stack.Api.JsonAsync("/clients/all/verify?wait=30");
        Assert.True(verdict["inSync"]!.GetValue<bool>(), verdict.ToJsonString());
    }

    [Fact]
    public async Task EachClientReportsThePositionOfTheLastChangeItAppliedWithItsAcknowledgementAndAtEachConnection()
    {
        var (applying, idle) = (_stack.ClientIds[0], _stack.ClientIds[1]);
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var (_, sent) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{applying}/personnel/{newton}?wait=10"
        );
        var change = Assert.Single(await _stack.Api.MessageIdsOfAsync(sent));

        // The server heard it with the acknowledgement; the client says the same on its own root.
        Assert.Equal(change, (await _stack.Api.JsonAsync($"/clients/{applying}"))["position"]!.GetValue<long>());
        Assert.Null((await _stack.Api.JsonAsync($"/clients/{idle}"))["position"]);
        using var anyone = new HttpClient();
        var root = await anyone.GetFromJsonAsync<JsonObject>($"{_stack.Clients[0].HttpUrl}/");
        Assert.Equal(change, root!["position"]!.GetValue<long>());

        // Forgotten by the server, it is heard again when the restarted client is next connected to.
        await using (var db = new MySqlConnection(_stack.ConnectionString))
        {
            await db.ExecuteAsync("UPDATE clients SET applied_position = NULL WHERE id = @applying", new { applying });
        }

        await _stack.Clients[0].Process!.StopAsync();
        await _stack.Clients[0].StartAsync();
        await Eventually.ReturnsAsync(
            async () => (await _stack.Api.JsonAsync($"/clients/{applying}"))["position"]?.GetValue<long>(),
            position => position == change,
            TimeSpan.FromSeconds(30),
            because: "the client's welcome says what it applied last"
        );
    }

    /// <summary>How many of <paramref name="later"/> the client applied after one of <paramref name="first"/>, by its
    /// own order of application.</summary>
    private static async Task<long> AppliedAfterAsync(ClientDaemon client, long[] first, long[] later)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={client.DatabasePath};Mode=ReadOnly;Pooling=False"
        );
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM applied_messages
            WHERE message_id IN @later AND seq > (SELECT MIN(seq) FROM applied_messages WHERE message_id IN @first)
            """,
            new { later, first }
        );
    }
}
