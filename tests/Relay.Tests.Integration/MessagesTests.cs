using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Tests.Integration;

public sealed class MessagesTests : AppTest
{
    [Fact]
    public async Task PendingMessagesAreListedPerClientAndDeliveredOnesLeaveTheOutboxButKeepTheirStatus()
    {
        var c1 = await Http.CreateClientAsync("One", 6001);
        var c2 = await Http.CreateClientAsync("Two", 6002);
        var person = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var own = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{c2}/personnel/{person}")).Single();
        var everyone = (await Http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{person}")).Single();

        Assert.Equal([everyone], await ListedAsync($"/messages?clientId={c1}"));
        Assert.Equal([own, everyone], await ListedAsync($"/messages?clientId={c2}"));
        var pending = await Http.GetFromJsonAsync<JsonObject>($"/messages/{everyone}");
        Assert.Equal(
            ("pending", 0, null),
            (
                pending!["state"]!.GetValue<string>(),
                pending["attempts"]!.GetValue<int>(),
                pending["clientId"]?.GetValue<long>()
            )
        );

        // A message to every client stays pending until the last of them acknowledged it.
        var queue = App.Services.GetRequiredService<DeliveryQueue>();
        await queue.MarkDeliveredAsync(await queue.NextPendingAsync(c1, 8, default), default);
        Assert.Empty(await ListedAsync($"/messages?clientId={c1}"));
        Assert.Equal(
            "pending",
            (await Http.GetFromJsonAsync<JsonObject>($"/messages/{everyone}"))!["state"]!.GetValue<string>()
        );

        await queue.MarkDeliveredAsync(await queue.NextPendingAsync(c2, 8, default), default);
        foreach (var id in (long[])[own, everyone])
        {
            var delivered = await Http.GetFromJsonAsync<JsonObject>($"/messages/{id}");
            Assert.Equal("delivered", delivered!["state"]!.GetValue<string>());
            Assert.NotNull(delivered["deliveredAt"]);
        }

        Assert.Empty(await ListedAsync("/messages"));
        Assert.Empty(await App.RowsAsync());
    }

    private async Task<long[]> ListedAsync(string path) =>
        (await Http.GetFromJsonAsync<JsonObject>(path))!["items"]!
            .AsArray()
            .Select(m => m!["id"]!.GetValue<long>())
            .ToArray();

    [Fact]
    public async Task AFailedAttemptIsCountedWithItsReason()
    {
        var client = await Http.CreateClientAsync("One", 6001);
        var person = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var id = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}")).Single();

        var queue = App.Services.GetRequiredService<DeliveryQueue>();
        await queue.RecordAttemptFailedAsync(
            (await queue.NextPendingAsync(client, 1, default))[0],
            "Connection refused",
            default
        );

        var status = await Http.GetFromJsonAsync<JsonObject>($"/messages/{id}");
        Assert.Equal(
            ("pending", 1, "Connection refused"),
            (
                status!["state"]!.GetValue<string>(),
                status["attempts"]!.GetValue<int>(),
                status["lastError"]!.GetValue<string>()
            )
        );
        var clientRow = await Http.GetFromJsonAsync<JsonObject>($"/clients/{client}");
        Assert.Equal("Connection refused", clientRow!["lastError"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFailedSaveIsNotRetriedAsItWasOverANewerChangeOfItsPersonnelButCanBeWithCurrentData()
    {
        var client = await Http.CreateClientAsync("One", 6001);
        var newton = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await Http.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        var queue = App.Services.GetRequiredService<DeliveryQueue>();
        var refused = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}")).Single();
        await queue.MarkFailedAsync((await queue.NextPendingAsync(client, 1, default))[0], "disk full", default);

        // Newton is renamed and the new name delivered: the client holds it.
        (
            await Http.PutAsJsonAsync(
                $"/personnel/{newton}",
                new
                {
                    name = "Isaac",
                    surname = "Newton-Smith",
                    ssn = "12345678900",
                }
            )
        ).EnsureSuccessStatusCode();
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}");
        await queue.MarkDeliveredAsync(await queue.NextPendingAsync(client, 8, default), default);

        // Sent as it was, the refused save would put "Newton" back over "Newton-Smith".
        var conflict = await (await Http.PostAsync($"/messages/{refused}/retry", null)).ProblemAsync(
            HttpStatusCode.Conflict
        );
        Assert.Contains($"Personnel {newton} of message {refused} changed", conflict["detail"]!.GetValue<string>());
        Assert.Contains("current=true", conflict["detail"]!.GetValue<string>());
        Assert.Equal(
            "failed",
            (await Http.GetFromJsonAsync<JsonObject>($"/messages/{refused}"))!["state"]!.GetValue<string>()
        );

        (await Http.PostAsync($"/messages/{refused}/retry?current=true", null)).EnsureSuccessStatusCode();
        var again = Assert.Single(await queue.NextPendingAsync(client, 8, default));
        Assert.Equal(refused, again.Id);
        Assert.Contains("Newton-Smith", System.Text.Encoding.UTF8.GetString(again.Payload.Span));

        // A refused save whose personnel did not change goes as it was.
        await queue.MarkDeliveredAsync([again], default);
        var unchanged = (await Http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{einstein}")).Single();
        var before = (await queue.NextPendingAsync(client, 1, default))[0];
        await queue.MarkFailedAsync(before, "disk full", default);
        Assert.Equal(202, (int)(await Http.PostAsync($"/messages/{unchanged}/retry", null)).StatusCode);
        Assert.Equal(
            before.Payload.ToArray(),
            Assert.Single(await queue.NextPendingAsync(client, 8, default)).Payload.ToArray()
        );
    }

    [Fact]
    public async Task TheStatusOfADeliveredMessageIsKeptForTheRetentionThenForgotten()
    {
        // The retention is an hour; the sweep every minute. Time is moved on, not waited out.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ServerApp()
            .With("Outbox:DeliveredRetention", "01:00:00")
            .With("Outbox:SweepInterval", "00:01:00")
            .WithClock(clock);
        await app.InitializeAsync();
        var http = app.CreateClient();
        var client = await http.CreateClientAsync("One", 6001);
        var person = await http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var id = (await http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}")).Single();
        var queue = app.Services.GetRequiredService<DeliveryQueue>();
        await queue.MarkDeliveredAsync(await queue.NextPendingAsync(client, 1, default), default);
        Assert.Equal(
            "delivered",
            (await http.GetFromJsonAsync<JsonObject>($"/messages/{id}"))!["state"]!.GetValue<string>()
        );

        // 59 minutes on, a sweep has run: the status is kept.
        await app.SweptAfterAsync(TimeSpan.FromMinutes(59));
        Assert.Equal(
            "delivered",
            (await http.GetFromJsonAsync<JsonObject>($"/messages/{id}"))!["state"]!.GetValue<string>()
        );

        await app.SweptAfterAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"/messages/{id}")).StatusCode);
    }
}
