using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Relay.Server.Outbox;

namespace Relay.Tests.Integration;

public sealed class MessagesTests : IAsyncLifetime
{
    private readonly ServerApp _app = new();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_app).InitializeAsync();
        _http = _app.CreateClient();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task PendingMessagesAreListedPerClientAndDeliveredOnesLeaveTheOutboxButKeepTheirStatus()
    {
        var c1 = await _http.CreateClientAsync("One", 6001);
        var c2 = await _http.CreateClientAsync("Two", 6002);
        var person = await _http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var ids = await _http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{person}");

        var forC2 = await _http.GetFromJsonAsync<JsonObject>($"/messages?clientId={c2}");
        Assert.Equal([ids[1]], forC2!["items"]!.AsArray().Select(m => m!["id"]!.GetValue<long>()));

        var pending = await _http.GetFromJsonAsync<JsonObject>($"/messages/{ids[0]}");
        Assert.Equal(("pending", 0, c1), (pending!["state"]!.GetValue<string>(), pending["attempts"]!.GetValue<int>(), pending["clientId"]!.GetValue<long>()));

        var outbox = _app.Services.GetRequiredService<OutboxReader>();
        await outbox.MarkDeliveredAsync(await outbox.NextPendingAsync(c1, 1, default), default);

        var delivered = await _http.GetFromJsonAsync<JsonObject>($"/messages/{ids[0]}");
        Assert.Equal("delivered", delivered!["state"]!.GetValue<string>());
        Assert.NotNull(delivered["deliveredAt"]);
        var stillPending = await _http.GetFromJsonAsync<JsonObject>("/messages");
        Assert.Equal([ids[1]], stillPending!["items"]!.AsArray().Select(m => m!["id"]!.GetValue<long>()));
        Assert.DoesNotContain(ids[0], (await _app.RowsAsync()).Select(r => r.Id));
    }

    [Fact]
    public async Task AFailedAttemptIsCountedWithItsReason()
    {
        var client = await _http.CreateClientAsync("One", 6001);
        var person = await _http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var id = (await _http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}")).Single();

        var outbox = _app.Services.GetRequiredService<OutboxReader>();
        await outbox.RecordAttemptFailedAsync((await outbox.NextPendingAsync(client, 1, default))[0], "Connection refused", default);

        var status = await _http.GetFromJsonAsync<JsonObject>($"/messages/{id}");
        Assert.Equal(("pending", 1, "Connection refused"), (status!["state"]!.GetValue<string>(), status["attempts"]!.GetValue<int>(), status["lastError"]!.GetValue<string>()));
        var clientRow = await _http.GetFromJsonAsync<JsonObject>($"/clients/{client}");
        Assert.Equal("Connection refused", clientRow!["lastError"]!.GetValue<string>());
    }
}
