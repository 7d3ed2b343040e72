using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Relay.Server.Queue;

namespace Relay.Tests.Integration;

/// <summary>
/// A revocation does not wait behind a bulk: a client that keeps tombstones gets its pending
/// deletions before the rest of its queue, one that does not gets everything in order, and no
/// deletion overtakes a check.
/// </summary>
public sealed class DeletionsFirstTests : AppTest
{
    private DeliveryQueue _queue = null!;
    private SeededIds _seed = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _queue = App.Services.GetRequiredService<DeliveryQueue>();
        _seed = await Http.SeedTwoClientsThreePersonnelAsync();
    }

    [Fact]
    public async Task ADeletionFromAllClientsIsSentToEachAheadOfTheBulkQueuedBeforeIt()
    {
        var bulk = (await Http.OperateAsync(HttpMethod.Put, "/clients/all/personnel")).Single();
        var deletion = await Http.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{_seed.Curie}");

        // One row per client, so each client's worker can send it in its own time.
        Assert.Equal(2, deletion.Length);
        var first = await _queue.NextPendingAsync(_seed.Client1, 8, deletionsFirst: true, default);
        Assert.Equal([deletion[0]], first.Select(m => m.Id));
        Assert.Equal([bulk, deletion[1]], (await _queue.NextPendingAsync(_seed.Client2, 8, default)).Select(m => m.Id));

        await _queue.MarkDeliveredAsync(first, default);
        var rest = await _queue.NextPendingAsync(_seed.Client1, 8, true, default);
        Assert.Equal([bulk], rest.Select(m => m.Id));
        var client = await Http.GetFromJsonAsync<JsonObject>($"/clients/{_seed.Client1}");
        Assert.Equal(1, client!["pendingMessages"]!.GetValue<int>());

        // Each acknowledgement moves the client's position to the newest change it applied, never back.
        Assert.Equal(deletion[0], await PositionAsync(_seed.Client1));
        await _queue.MarkDeliveredAsync(rest, default);
        await _queue.MarkDeliveredAsync(await _queue.NextPendingAsync(_seed.Client2, 8, default), default);
        Assert.Equal(
            (deletion[0], deletion[1]),
            (await PositionAsync(_seed.Client1), await PositionAsync(_seed.Client2))
        );
    }

    private async Task<long> PositionAsync(long client) =>
        (await Http.GetFromJsonAsync<JsonObject>($"/clients/{client}"))!["position"]!.GetValue<long>();

    [Fact]
    public async Task AnEditKeepsItsPlaceAndADeletionDoesNotOvertakeAVerifyQueuedBeforeIt()
    {
        var edit = (
            await Http.OperateAsync(HttpMethod.Put, $"/clients/{_seed.Client1}/personnel/{_seed.Newton}")
        ).Single();
        var verify = await Http.GetFromJsonAsync<JsonObject>($"/clients/{_seed.Client1}/verify");
        var deletion = (
            await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_seed.Client1}/personnel/{_seed.Newton}")
        ).Single();

        // The send stays first; the verify, then the deletion, wait their turn behind it.
        var window = await _queue.NextPendingAsync(_seed.Client1, 8, deletionsFirst: true, default);
        Assert.Equal([edit, verify!["messageId"]!.GetValue<long>(), deletion], window.Select(m => m.Id));
    }
}
