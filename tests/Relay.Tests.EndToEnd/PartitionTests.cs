using System.Net.Http.Json;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// One client cut off by the kernel (iptables DROP in its network namespace, open connection
/// included) while operations go on: the other client is served as usual, and the cut-off one
/// holds exactly what it should once the link heals.
/// </summary>
public sealed class PartitionTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 2, isolatedClients: 1);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task ACutOffClientConvergesAfterTheHealWhileTheOtherIsServedThroughout()
    {
        var (cutOff, healthy) = (_stack.Clients[0], _stack.Clients[1]);
        var healthyId = _stack.ClientIds[1];
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await _stack.CreatePersonnelAsync($"Name{i}", "Surname", $"{12345678900 + i}"));
        }

        // The server holds an open connection to the client when the link fails.
        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel?wait=10");
        await cutOff.Host!.CutAsync(cutOff.TcpPort);

        await _stack.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{ids[0]}");
        (
            await _stack.Api.PutAsJsonAsync(
                $"/personnel/{ids[1]}",
                new
                {
                    name = "Edited",
                    surname = "Surname",
                    ssn = "12345678901",
                }
            )
        ).EnsureSuccessStatusCode();
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{ids[1]}");
        for (var i = 0; i < 5; i++)
        {
            // The cut-off client's retries and timeouts hold nothing up for the other one.
            var (status, _) = await _stack.Api.SendJsonAsync(
                HttpMethod.Put,
                $"/clients/{healthyId}/personnel/{ids[2]}?wait=5"
            );
            Assert.Equal(200, status);
        }

        var expected = (await healthy.StoredRowsAsync()).Select(r => (r.Id, r.Name)).ToArray();
        Assert.Equal([(ids[1], "Edited"), (ids[2], "Name2"), (ids[3], "Name3")], expected);
        var stalled = await _stack.Api.JsonAsync($"/clients/{_stack.ClientIds[0]}");
        Assert.True(stalled["pendingMessages"]!.GetValue<int>() >= 2, stalled.ToJsonString());
        Assert.Equal(4, (await cutOff.StoredRowsAsync()).Length);

        // Long enough for an attempt over the dead connection to time out, so the heal is met by a reconnect.
        await Eventually.ReturnsAsync(
            async () =>
                (await _stack.Api.JsonAsync($"/clients/{_stack.ClientIds[0]}"))["lastError"]?.GetValue<string>(),
            error => error is not null,
            TimeSpan.FromSeconds(30),
            because: "the server notices the dead link"
        );
        await cutOff.Host.HealAsync();

        await _stack.DrainedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(expected, (await cutOff.StoredRowsAsync()).Select(r => (r.Id, r.Name)).ToArray());
        Assert.Empty((await _stack.Api.JsonAsync("/messages?state=failed"))["items"]!.AsArray());
    }
}
