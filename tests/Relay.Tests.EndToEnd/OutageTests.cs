using System.Net;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>MySQL and server instances failing under a running stack, on a MariaDB of the test's own.</summary>
[TakesAbout(75)]
public sealed class OutageTests : IAsyncLifetime
{
    private MariaDbServer _mariadb = null!;

    public async Task InitializeAsync() => _mariadb = await MariaDbServer.StartAsync();

    public async Task DisposeAsync() => await _mariadb.DisposeAsync();

    [Fact]
    public async Task WhileMySqlIsDownTheApiAnswers503AndDeliveryResumesByItselfWhenItIsBack()
    {
        await using var stack = new RelayStack(clients: 1, _mariadb);
        await stack.StartAsync();
        var newton = await stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        await stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=10");

        _mariadb.Kill();

        using (var read = await stack.Api.GetAsync("/clients"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(503, (await stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{einstein}")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await stack.Api.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stack.Api.GetAsync("/health/live")).StatusCode);
        using (var health = await stack.Api.GetAsync("/health"))
        {
            var report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal((true, false), (report["live"]!.GetValue<bool>(), report["ready"]!.GetValue<bool>()));
        }

        Assert.False(stack.Server.Process.HasExited, "the server must survive the outage");

        await _mariadb.StartAgainAsync();
        var accepted = await Eventually.ReturnsAsync(
            () => stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{einstein}"),
            r => r.Status == 202,
            TimeSpan.FromSeconds(20),
            because: "the API recovers"
        );

        await Eventually.ReturnsAsync(
            stack.Clients[0].ListedSsnsAsync,
            s => s.Length == 2,
            TimeSpan.FromSeconds(20),
            because: "delivery resumes"
        );
        Assert.Equal(HttpStatusCode.OK, (await stack.Api.GetAsync("/health/ready")).StatusCode);
        Assert.Single(await stack.Api.MessageIdsOfAsync(accepted.Body));
    }

    [Fact]
    public async Task TwoServerInstancesShareTheClientsAndOneTakesOverWhenTheOtherDies()
    {
        await using var stack = new RelayStack(clients: 4, _mariadb);
        await stack.StartAsync();
        var second = await stack.StartServerAsync();
        var first = stack.Servers[0];

        // Both instances serve: the clients end up split between them.
        var servedBy = await Eventually.ReturnsAsync(
            async () => (await ServedByAsync(first)).Distinct().Count(),
            distinct => distinct == 2,
            TimeSpan.FromSeconds(20),
            because: "the instances share the clients"
        );

        var people = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            people.Add(await stack.CreatePersonnelAsync($"P{i}", "Shared", $"5000000000{i}"));
        }

        // Operations through either instance, alternating saves and deletes so that order matters.
        for (var round = 0; round < 6; round++)
        {
            var via = round % 2 == 0 ? first : second;
            await via.OperateAsync(HttpMethod.Put, "/clients/all/personnel");
            await via.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{people[round]}");
        }

        first.Process.Kill();
        await second.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{people[0]}");
        await second.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{people[1]}");

        var everyClient = await Eventually.ReturnsAsync(
            async () => (await ServedByAsync(second)).Distinct().ToArray(),
            owners => owners.Length == 1 && owners[0] is not null,
            TimeSpan.FromSeconds(20),
            because: "the survivor takes every client over"
        );
        await Eventually.ReturnsAsync(
            async () => (await second.Api.JsonAsync("/messages?limit=1000"))["items"]!.AsArray().Count,
            pending => pending == 0,
            TimeSpan.FromSeconds(30),
            because: "every message is delivered"
        );

        // The last round saved everyone and then deleted P5; after the kill P0 was saved again and P1 deleted.
        long[] expected = [people[0], people[2], people[3], people[4]];
        foreach (var client in stack.Clients)
        {
            Assert.Equal(expected, (await client.StoredRowsAsync()).Select(r => r.Id));
        }

        Assert.NotNull(everyClient[0]);
        Assert.True(servedBy == 2);
    }

    [Fact]
    public async Task AServerStartedBeforeMySqlWaitsWithLoggedBackoffAndStartsWhenItComes()
    {
        var database = await _mariadb.CreateDatabaseAsync("early");
        _mariadb.Kill();
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        await using var server = DaemonProcess.Start(
            "server",
            Repo.ServerProgram,
            new Dictionary<string, string>
            {
                ["ConnectionStrings:Relay"] = database,
                ["Urls"] = url,
                ["Auth:ApiKey"] = RelayStack.ApiKey,
                ["Credentials:MasterKey"] = RelayStack.MasterKey,
            }
        );

        await Eventually.ReturnsAsync(
            () => Task.FromResult(server.Output),
            o => o.Contains("MySQL is not reachable yet", StringComparison.Ordinal),
            because: "the wait is logged"
        );
        Assert.False(server.HasExited);

        await _mariadb.StartAgainAsync();
        await server.WaitUntilAnswersAsync($"{url}/health/ready", TimeSpan.FromSeconds(30));
    }

    private static async Task<string?[]> ServedByAsync(ServerInstance server) =>
        (await server.Api.JsonAsync("/clients"))["items"]!
            .AsArray()
            .Select(c => c!["servedBy"]?.GetValue<string>())
            .ToArray();
}
