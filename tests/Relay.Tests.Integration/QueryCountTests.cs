using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Relay.Server.Queue;

namespace Relay.Tests.Integration;

/// <summary>
/// Every list the dashboard polls reads a page in a bounded number of queries, whatever the page
/// holds: counted from MySqlConnector's own trace of each command, for the commands of one call
/// (the call sends a W3C <c>traceparent</c>, which the server's request continues; the background
/// services' queries have traces of their own). The sender is off: deliveries and refusals are
/// recorded through the queue.
/// </summary>
public sealed class QueryCountTests : AppTest, IDisposable
{
    private const int MaxQueries = 3;

    private readonly ConcurrentQueue<ActivityTraceId> _commands = new();
    private readonly ActivityListener _listener;
    private readonly List<long> _clients = [];

    public QueryCountTests()
        : base(new ServerApp().With("Outbox:BatchSize", "2"))
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MySqlConnector" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "MySqlConnector" && activity.OperationName == "Execute")
                {
                    _commands.Enqueue(activity.TraceId);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        for (var i = 0; i < 12; i++)
        {
            _clients.Add(await Http.CreateClientAsync($"Site {i}", 7100 + i));
        }

        for (var i = 0; i < 5; i++)
        {
            await Http.CreatePersonnelAsync($"Name{i}", "Surname", $"2000000000{i}");
        }
    }

    public void Dispose() => _listener.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task ThePageOfOperationsCostsAtMostThreeQueriesWhateverItHolds(int operations)
    {
        await QueueOperationsAsync(operations);

        var (queries, body) = await CountAsync("/operations?limit=10");

        Assert.Equal(operations, System.Text.Json.Nodes.JsonNode.Parse(body)!["items"]!.AsArray().Count);
        Assert.True(
            queries is > 0 and <= MaxQueries,
            $"GET /operations with {operations} operations ran {queries} queries"
        );
    }

    [Theory]
    [InlineData("/operations/{0}/clients?state=unfinished&limit=50")]
    [InlineData("/operations/{0}")]
    [InlineData("/clients?limit=50")]
    [InlineData("/clients/states")]
    [InlineData("/messages?state=failed&limit=50")]
    public async Task EveryListTheDashboardPollsCostsAtMostThreeQueries(string path)
    {
        var last = await QueueOperationsAsync(10);

        var (queries, _) = await CountAsync(string.Format(path, last));

        Assert.True(queries is > 0 and <= MaxQueries, $"GET {path} ran {queries} queries");
    }

    /// <summary>
    /// Queues operations of several kinds, then delivers some, fails one client's message and
    /// records a failed attempt, so the pages hold every state; returns the last operation's id.
    /// </summary>
    private async Task<long> QueueOperationsAsync(int count)
    {
        long last = 0;
        for (var i = 0; i < count; i++)
        {
            var (method, path) = (i % 3) switch
            {
                0 => (HttpMethod.Put, "/clients/all/personnel"),
                1 => (HttpMethod.Put, $"/clients/{_clients[i % _clients.Count]}/personnel"),
                _ => (HttpMethod.Delete, $"/clients/all/personnel/{i + 1}"),
            };
            last = (await Http.StartOperationAsync(method, path))["id"]!.GetValue<long>();
        }

        var queue = App.Services.GetRequiredService<DeliveryQueue>();
        foreach (var client in _clients.Take(4))
        {
            await queue.MarkDeliveredAsync(await queue.NextPendingAsync(client, 3, default), default);
        }

        var heads = await queue.NextPendingAsync(_clients[5], 2, default);
        await queue.MarkFailedAsync(heads[^1], "refused for the test", default);
        await queue.RecordAttemptFailedAsync(
            (await queue.NextPendingAsync(_clients[6], 1, default))[0],
            "connection refused",
            default
        );
        return last;
    }

    private async Task<(int Queries, string Body)> CountAsync(string path)
    {
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return (_commands.Count(t => t == trace), body);
    }
}
