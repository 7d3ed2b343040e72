using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Tests.Integration;

/// <summary>
/// Every operation call is stored: it answers with the operation (not its message ids), which
/// shows how far it has come, which clients are behind or refused, and pages its messages. The
/// sender is off: acknowledgements and refusals are recorded through the outbox as it would.
/// </summary>
public sealed class OperationResourceTests()
    : AppTest(new ServerApp().With("Outbox:BatchSize", "2").With("Outbox:SweepInterval", "00:00:00.200"))
{
    private const int Fleet = 30;

    private DeliveryQueue _queue = null!;
    private readonly List<long> _clients = [];
    private readonly List<long> _personnel = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _queue = App.Services.GetRequiredService<DeliveryQueue>();
        for (var i = 0; i < Fleet; i++)
        {
            _clients.Add(await Http.CreateClientAsync($"Site {i}", 7000 + i));
        }

        for (var i = 0; i < 5; i++)
        {
            _personnel.Add(await Http.CreatePersonnelAsync($"Name{i}", "Surname", $"1000000000{i}"));
        }
    }

    [Fact]
    public async Task AnOperationAnswers202WithItsLocationAndCountsNotIdsSoTheAnswerDoesNotGrowWithTheFleet()
    {
        var response = await Http.PutAsync("/clients/all/personnel", null);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var operation = JsonNode.Parse(text)!.AsObject();
        Assert.Equal($"/operations/{operation["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal(
            ["id", "kind", "target", "state", "createdAt", "clients", "messages"],
            operation.Select(p => p.Key)
        );
        Assert.Equal(
            ("sendAll", "pending"),
            (operation["kind"]!.GetValue<string>(), operation["state"]!.GetValue<string>())
        );
        Assert.Null(operation["target"]!["clientId"]);

        // 5 personnel in batches of 2: three messages for each of 30 clients, stored as three rows.
        Assert.Equal((Fleet, 0, Fleet, 0), Counts(operation["clients"]!, "total", "done", "pending", "failed"));
        Assert.Equal(
            (3L * Fleet, 3L * Fleet, 0L, 0L),
            LongCounts(operation["messages"]!, "total", "pending", "delivered", "failed")
        );
        Assert.Equal(3, (await Http.OperationMessageIdsAsync(operation["id"]!.GetValue<long>())).Length);
        Assert.True(text.Length < 400, $"the answer is {text.Length} characters");
    }

    [Fact]
    public async Task AnOperationShowsItsProgressAndItsFailedAndLaggingClientsFirstWithTheirErrors()
    {
        var id = (await Http.StartOperationAsync(HttpMethod.Put, "/clients/all/personnel"))["id"]!.GetValue<long>();

        // Nine clients take everything, one takes the first batch and refuses the second, the rest are behind.
        foreach (var client in _clients.Take(9))
        {
            await _queue.MarkDeliveredAsync(await _queue.NextPendingAsync(client, 8, default), default);
        }

        var refusing = _clients[9];
        var heads = await _queue.NextPendingAsync(refusing, 8, default);
        await _queue.MarkDeliveredAsync([heads[0]], default);
        await _queue.MarkFailedAsync(heads[1], "SSN 100000000xx is not valid here", default);
        await _queue.RecordAttemptFailedAsync(
            (await _queue.NextPendingAsync(_clients[10], 1, default))[0],
            "connection refused",
            default
        );

        var status = (await Http.GetFromJsonAsync<JsonObject>($"/operations/{id}"))!;
        Assert.Equal("pending", status["state"]!.GetValue<string>());
        Assert.Equal((Fleet, 9, Fleet - 10, 1), Counts(status["clients"]!, "total", "done", "pending", "failed"));

        // 9 × 3 delivered, and 1 of the refusing client's; its refusal failed; everything else pending.
        Assert.Equal(
            (3L * Fleet, 28L, 1L, 3L * Fleet - 29),
            LongCounts(status["messages"]!, "total", "delivered", "failed", "pending")
        );

        var unfinished = status["unfinishedClients"]!["items"]!.AsArray();
        Assert.Equal(20, unfinished.Count);
        Assert.Equal(_clients.Skip(9).Take(20), unfinished.Select(c => c!["clientId"]!.GetValue<long>()));
        Assert.Equal(
            ("failed", "SSN 100000000xx is not valid here", (3L, 1L, 1L, 1L)),
            (
                unfinished[0]!["state"]!.GetValue<string>(),
                unfinished[0]!["lastError"]!.GetValue<string>(),
                LongCounts(unfinished[0]!["messages"]!, "total", "delivered", "failed", "pending")
            )
        );
        Assert.Equal(
            ("pending", "connection refused"),
            (unfinished[1]!["state"]!.GetValue<string>(), unfinished[1]!["lastError"]!.GetValue<string>())
        );
        Assert.Equal(
            _clients[29],
            (await ClientsAsync(id, $"afterId={status["unfinishedClients"]!["nextAfterId"]}")).Single()
        );

        Assert.Equal([refusing], await ClientsAsync(id, "state=failed"));
        Assert.Equal(_clients.Take(9), await ClientsAsync(id, "state=done"));
        Assert.Equal(_clients.Skip(10), await ClientsAsync(id, "state=pending&limit=1000"));
        Assert.Equal(_clients.Take(7), await ClientsAsync(id, "state=all&limit=7"));
    }

    [Fact]
    public async Task AWaitThatRunsOutAnswers202PendingAfterTheWholeWaitOnTheAppsClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ServerApp().WithClock(clock);
        await app.InitializeAsync();
        var http = app.CreateClient();
        var (one, person) = (
            await http.CreateClientAsync("One", 6001),
            await http.CreatePersonnelAsync("Isaac", "Newton", "12345678900")
        );
        var started = clock.GetUtcNow();

        // Nobody delivers: the caller's 30 s pass on the app's clock, moved on a second at a time.
        var waiting = http.PutAsync($"/clients/{one}/personnel/{person}?wait=30", null);
        while (!waiting.IsCompleted && clock.GetUtcNow() - started < TimeSpan.FromMinutes(2))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(waiting, Task.Delay(20));
        }

        using var response = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((HttpStatusCode.Accepted, "pending"), (response.StatusCode, body["state"]!.GetValue<string>()));
        Assert.True(clock.GetUtcNow() - started >= TimeSpan.FromSeconds(30), "answered before the wait was over");
    }

    [Fact]
    public async Task WaitingTellsDeliveredFromRefused()
    {
        var one = _clients[0];

        // Delivered while the caller waits: 200.
        var waiting = SendAsync($"/clients/{one}/personnel/{_personnel[1]}?wait=20");
        await DeliverAllAsync(one);
        var (status, body) = await waiting;
        Assert.Equal((HttpStatusCode.OK, "delivered"), (status, body["state"]!.GetValue<string>()));
        Assert.Equal((1, 1), Counts(body["clients"]!, "total", "done"));

        // Refused for good while the caller waits: 409 problem details that still read as the operation.
        waiting = SendAsync($"/clients/{one}/personnel/{_personnel[2]}?wait=20");
        await RefuseAllAsync(one);
        (status, body) = await waiting;
        Assert.Equal(
            (HttpStatusCode.Conflict, "failed", 1),
            (status, body["state"]!.GetValue<string>(), body["clients"]!["failed"]!.GetValue<int>())
        );
        Assert.Equal($"/operations/{body["id"]}", body["instance"]!.GetValue<string>());
        Assert.Contains("clients?state=failed", body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task RecentOperationsAreListedNewestFirstAndPagedBackwards()
    {
        var ids = new List<long>();
        foreach (
            var path in new[]
            {
                $"/clients/{_clients[0]}/personnel/{_personnel[0]}",
                $"/clients/all/personnel/{_personnel[1]}",
                $"/clients/{_clients[1]}/personnel",
            }
        )
        {
            ids.Add((await Http.StartOperationAsync(HttpMethod.Delete, path))["id"]!.GetValue<long>());
        }

        var page = (await Http.GetFromJsonAsync<JsonObject>("/operations?limit=2"))!;
        Assert.Equal([ids[2], ids[1]], page["items"]!.AsArray().Select(o => o!["id"]!.GetValue<long>()));
        Assert.Equal(["deleteAll", "deleteOne"], page["items"]!.AsArray().Select(o => o!["kind"]!.GetValue<string>()));
        var older = (await Http.GetFromJsonAsync<JsonObject>($"/operations?limit=2&beforeId={page["nextBeforeId"]}"))!;
        Assert.Equal([ids[0]], older["items"]!.AsArray().Select(o => o!["id"]!.GetValue<long>()));
        Assert.Null(older["nextBeforeId"]);
    }

    [Fact]
    public async Task AnOperationIsForgottenAfterTheRetentionOnceSettledButNotWhileAMessageOfItIsFailed()
    {
        // An app of its own on a clock that is moved on: an hour's retention is not waited out.
        await using var app = new ServerApp()
            .With("Outbox:DeliveredRetention", "01:00:00")
            .With("Outbox:SweepInterval", "00:01:00")
            .WithClock(new FakeTimeProvider(DateTimeOffset.UtcNow));
        await app.InitializeAsync();
        var http = app.CreateClient();
        var queue = app.Services.GetRequiredService<DeliveryQueue>();
        var (one, two) = (await http.CreateClientAsync("One", 6001), await http.CreateClientAsync("Two", 6002));
        var person = await http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var delivered = (await http.StartOperationAsync(HttpMethod.Put, $"/clients/{one}/personnel/{person}"))[
            "id"
        ]!.GetValue<long>();
        var refused = (await http.StartOperationAsync(HttpMethod.Put, $"/clients/{two}/personnel/{person}"))[
            "id"
        ]!.GetValue<long>();
        await queue.MarkDeliveredAsync(await queue.NextPendingAsync(one, 8, default), default);
        await queue.MarkFailedAsync((await queue.NextPendingAsync(two, 8, default)).Single(), "refused", default);

        await app.SweptAfterAsync(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/operations/{delivered}")).StatusCode);

        await app.SweptAfterAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/operations/{delivered}")).StatusCode);
        var kept = (await http.GetFromJsonAsync<JsonObject>($"/operations/{refused}"))!;
        Assert.Equal("failed", kept["state"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/operations/0", "id")]
    [InlineData("/operations?limit=0", "limit")]
    [InlineData("/operations?limit=101", "limit")]
    [InlineData("/operations?beforeId=-1", "beforeId")]
    [InlineData("/operations/1/clients?state=lagging", "state")]
    [InlineData("/operations/1/clients?limit=1001", "limit")]
    [InlineData("/operations/1/messages?afterId=-5", "afterId")]
    public async Task BadOperationQueriesAre400NamingTheField(string path, string field)
    {
        var problem = await (await Http.GetAsync(path)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.ErrorFields());
    }

    [Theory]
    [InlineData("/operations/999999")]
    [InlineData("/operations/999999/clients")]
    [InlineData("/operations/999999/messages")]
    public async Task AnUnknownOperationIs404(string path)
    {
        var problem = await (await Http.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Operation not found.", problem["title"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(string path)
    {
        var response = await Http.PutAsync(path, null);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task DeliverAllAsync(long client) =>
        await _queue.MarkDeliveredAsync(
            await Eventually.ReturnsAsync(() => _queue.NextPendingAsync(client, 8, default), m => m.Count > 0),
            default
        );

    private async Task RefuseAllAsync(long client)
    {
        foreach (
            var message in await Eventually.ReturnsAsync(
                () => _queue.NextPendingAsync(client, 8, default),
                m => m.Count > 0
            )
        )
        {
            await _queue.MarkFailedAsync(message, "refused", default);
        }
    }

    private async Task<long[]> ClientsAsync(long operation, string query) =>
        [
            .. (await Http.GetFromJsonAsync<JsonObject>($"/operations/{operation}/clients?{query}"))!["items"]!
                .AsArray()
                .Select(c => c!["clientId"]!.GetValue<long>()),
        ];

    private static (int, int) Counts(JsonNode counts, string a, string b) =>
        (counts[a]!.GetValue<int>(), counts[b]!.GetValue<int>());

    private static (int, int, int, int) Counts(JsonNode counts, string a, string b, string c, string d) =>
        (
            counts[a]!.GetValue<int>(),
            counts[b]!.GetValue<int>(),
            counts[c]!.GetValue<int>(),
            counts[d]!.GetValue<int>()
        );

    private static (long, long, long, long) LongCounts(JsonNode counts, string a, string b, string c, string d) =>
        (
            counts[a]!.GetValue<long>(),
            counts[b]!.GetValue<long>(),
            counts[c]!.GetValue<long>(),
            counts[d]!.GetValue<long>()
        );
}
