using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Tests.Integration;

/// <summary>
/// A message to every client is one outbox row with a position per client: what happens when
/// one client refuses it, or leaves, while the others acknowledge it.
/// </summary>
public sealed class BroadcastTests() : AppTest(new ServerApp().With("Outbox:SweepInterval", "00:00:00.200"))
{
    private DeliveryQueue _queue = null!;
    private long _c1,
        _c2,
        _newton;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _queue = App.Services.GetRequiredService<DeliveryQueue>();
        _c1 = await Http.CreateClientAsync("One", 6001);
        _c2 = await Http.CreateClientAsync("Two", 6002);
        _newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
    }

    [Fact]
    public async Task AClientThatRefusesABroadcastKeepsAFailedCopyTheOthersGoOnAndARetrySendsItAgain()
    {
        var operation = (await Http.StartOperationAsync(HttpMethod.Put, $"/clients/all/personnel/{_newton}"))[
            "id"
        ]!.GetValue<long>();
        var everyone = (await Http.OperationMessageIdsAsync(operation)).Single();
        var later = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c2}/personnel/{_newton}")).Single();

        await _queue.MarkDeliveredAsync(await _queue.NextPendingAsync(_c1, 8, default), default);
        var refused = (await _queue.NextPendingAsync(_c2, 8, default))[0];
        await _queue.MarkFailedAsync(refused, "the client's disk is read-only", default);

        // The broadcast is done for the fleet; client 2's queue goes on with its later message.
        Assert.Equal("delivered", await StateAsync(everyone));
        Assert.Equal([later], (await _queue.NextPendingAsync(_c2, 8, default)).Select(m => m.Id));
        var failed = Assert.Single(
            (await Http.GetFromJsonAsync<JsonObject>("/messages?state=failed"))!["items"]!.AsArray()
        )!;
        Assert.Equal(
            (_c2, everyone, "the client's disk is read-only"),
            (
                failed["clientId"]!.GetValue<long>(),
                failed["originId"]!.GetValue<long>(),
                failed["lastError"]!.GetValue<string>()
            )
        );
        var client = await Http.GetFromJsonAsync<JsonObject>($"/clients/{_c2}");
        Assert.Equal((1, 1), (client!["pendingMessages"]!.GetValue<int>(), client["failedMessages"]!.GetValue<int>()));

        // The operation failed on client 2, with its reason; the copy is among its messages, the id to retry.
        var status = (await Http.GetFromJsonAsync<JsonObject>($"/operations/{operation}"))!;
        Assert.Equal(
            ("failed", 2, 1, 1),
            (
                status["state"]!.GetValue<string>(),
                status["clients"]!["total"]!.GetValue<int>(),
                status["clients"]!["done"]!.GetValue<int>(),
                status["clients"]!["failed"]!.GetValue<int>()
            )
        );
        Assert.Equal(
            (2L, 1L, 1L, 0L),
            (
                status["messages"]!["total"]!.GetValue<long>(),
                status["messages"]!["delivered"]!.GetValue<long>(),
                status["messages"]!["failed"]!.GetValue<long>(),
                status["messages"]!["pending"]!.GetValue<long>()
            )
        );
        var refusing = Assert.Single(status["unfinishedClients"]!["items"]!.AsArray())!;
        Assert.Equal(
            (_c2, "failed", "the client's disk is read-only"),
            (
                refusing["clientId"]!.GetValue<long>(),
                refusing["state"]!.GetValue<string>(),
                refusing["lastError"]!.GetValue<string>()
            )
        );
        Assert.Equal([everyone, failed["id"]!.GetValue<long>()], await Http.OperationMessageIdsAsync(operation));

        var retry = await Http.PostAsync($"/messages/{failed["id"]}/retry", null);
        Assert.Equal(202, (int)retry.StatusCode);
        var again = await _queue.NextPendingAsync(_c2, 8, default);
        Assert.Equal([later, failed["id"]!.GetValue<long>()], again.Select(m => m.Id));
        Assert.Equal(refused.Payload.ToArray(), again[1].Payload.ToArray());
        Assert.NotEqual(refused.Uid, again[1].Uid);

        // Retried and delivered: the operation is delivered everywhere.
        Assert.Equal("pending", await OperationStateAsync(operation));
        await _queue.MarkDeliveredAsync(again, default);
        Assert.Equal("delivered", await OperationStateAsync(operation));
        var done = (await Http.GetFromJsonAsync<JsonObject>($"/operations/{operation}/clients?state=done"))![
            "items"
        ]!.AsArray();
        Assert.Equal([_c1, _c2], done.Select(c => c!["clientId"]!.GetValue<long>()));
        Assert.All(done, c =>
            Assert.Equal(
                (1L, 1L, 0L),
                (
                    c!["messages"]!["total"]!.GetValue<long>(),
                    c["messages"]!["delivered"]!.GetValue<long>(),
                    c["messages"]!["pending"]!.GetValue<long>()
                )
            )
        );
    }

    private async Task<string> OperationStateAsync(long id) =>
        (await Http.GetFromJsonAsync<JsonObject>($"/operations/{id}"))!["state"]!.GetValue<string>();

    [Fact]
    public async Task ABroadcastLeftPendingOnlyByAClientThatWasUnregisteredIsRetiredByTheSweep()
    {
        var everyone = (await Http.OperateAsync(HttpMethod.Delete, "/clients/all/personnel")).Single();
        await _queue.MarkDeliveredAsync(await _queue.NextPendingAsync(_c1, 8, default), default);
        Assert.Equal("pending", await StateAsync(everyone));

        (await Http.DeleteAsync($"/clients/{_c2}")).EnsureSuccessStatusCode();

        await Relay.Testing.Eventually.ReturnsAsync(
            () => StateAsync(everyone),
            s => s == "delivered",
            TimeSpan.FromSeconds(10),
            "the sweep retires it"
        );
        await using var db = await App.OpenDatabaseAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages"));
    }

    [Fact]
    public async Task AClientFarBehindOnBroadcastsGetsThemInOrderAndOneTheyAreNotForIsNotHeldUpByThem()
    {
        // More broadcasts pending than one read of the queue heads takes in, all for clients 1 and 2.
        await using (var db = await App.OpenDatabaseAsync())
        {
            for (var i = 0; i < 1_200; i += 300)
            {
                await db.ExecuteAsync(
                    "INSERT INTO messages (client_id, audience_upto, uid, kind, item_count, payload, created_at) "
                        + string.Join(
                            " UNION ALL ",
                            Enumerable
                                .Range(i, 300)
                                .Select(n =>
                                    $"SELECT NULL, @c2, '{n:x32}', 'deleteAll', 0, '{{\"kind\":\"deleteAll\"}}', UTC_TIMESTAMP(6)"
                                )
                        ),
                    new { c2 = _c2 }
                );
            }

            await Relay.Testing.OutboxRows.KeepCounterAheadAsync(db);
        }

        var late = await Http.CreateClientAsync("Late", 6003);
        var ownOfLate = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{late}/personnel/{_newton}")).Single();
        var ownOfFirst = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_newton}")).Single();

        var heads = await Task.WhenAll(
            _queue.NextPendingAsync(late, 8, default),
            _queue.NextPendingAsync(_c1, 8, default)
        );

        Assert.Equal([ownOfLate], heads[0].Select(m => m.Id));
        Assert.Equal(8, heads[1].Count);
        Assert.All(heads[1], m => Assert.True(m.IsBroadcast && m.Id < ownOfFirst));
        Assert.Equal(heads[1].Select(m => m.Id).Order(), heads[1].Select(m => m.Id));
    }

    private async Task<string> StateAsync(long id) =>
        (await Http.GetFromJsonAsync<JsonObject>($"/messages/{id}"))!["state"]!.GetValue<string>();
}
