using System.Net;
using System.Text.Json.Nodes;
using MySqlConnector;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// MySQL killed while a request is half way through its transaction: the caller gets a 503 it can
/// act on, and once MySQL is back nothing of the half-done operation is there.
/// </summary>
[TakesAbout(65)]
public sealed class MySqlLostMidRequestTests : IAsyncLifetime
{
    private MariaDbServer _mariadb = null!;

    public async Task InitializeAsync() => _mariadb = await MariaDbServer.StartAsync();

    public async Task DisposeAsync() => await _mariadb.DisposeAsync();

    [Theory]
    [InlineData("/clients/all/personnel")]
    [InlineData("/clients/all/personnel?replace=true")]
    public async Task ABroadcastWhoseDatabaseDiesMidTransactionAnswers503AndLeavesNothingBehind(string path)
    {
        await using var stack = new RelayStack(
            clients: 2,
            _mariadb,
            new Dictionary<string, string> { ["Outbox:BatchSize"] = "200" }
        );
        await stack.StartAsync(startClients: false);
        await stack.SeedPersonnelAsync(100_000);

        var call = stack.Api.PutAsync(path, null);
        await KillMySqlOnceTheOperationHasWrittenAsync(stack, call);
        using var response = await call;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(503, problem["status"]!.GetValue<int>());

        await _mariadb.StartAgainAsync();
        await using var after = new MySqlConnection(stack.ConnectionString);
        await after.OpenAsync();
        Assert.Equal(0L, await new MySqlCommand("SELECT COUNT(*) FROM messages", after).ExecuteScalarAsync());
        Assert.Equal(0L, await new MySqlCommand("SELECT COUNT(*) FROM batches", after).ExecuteScalarAsync());
        Assert.DoesNotContain("An unhandled exception", stack.Server.Process.Output);
    }

    [Fact]
    public async Task AnOperationQueuedBeforeTheDatabaseDiedDuringItsWaitAnswers202NotARetryInvitation()
    {
        await using var stack = new RelayStack(clients: 1, _mariadb);
        await stack.StartAsync(startClients: false);
        var newton = await stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var call = stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=30");
        await using (var db = new MySqlConnection(stack.ConnectionString))
        {
            await db.OpenAsync();
            await Eventually.ReturnsAsync(
                async () => (long)(await new MySqlCommand("SELECT COUNT(*) FROM messages", db).ExecuteScalarAsync())!,
                n => n == 1,
                because: "the operation is queued"
            );
        }

        _mariadb.Kill();
        var (status, body) = await call;

        // Under load MySQL can die after committing but before the server got the commit's OK:
        // then the server cannot know, and says so. What must never come is "nothing was committed".
        if (status == 503)
        {
            Assert.Contains("took effect whole or not at all", body["detail"]!.GetValue<string>());
            return;
        }

        Assert.Equal(202, status);
        Assert.Equal("pending", body["state"]!.GetValue<string>());
        Assert.Equal(
            (1, 1),
            (body["messages"]!["total"]!.GetValue<long>(), body["messages"]!["pending"]!.GetValue<long>())
        );
    }

    [Fact]
    public async Task WithMySqlGoneEveryRouteAnswers503WithRetryAfter()
    {
        await using var stack = new RelayStack(clients: 1, _mariadb);
        await stack.StartAsync(startClients: false);
        var newton = await stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var client = stack.ClientIds[0];
        _mariadb.Kill();

        string[] routes =
        [
            "GET /clients",
            $"GET /clients/{client}",
            "POST /clients",
            $"PUT /clients/{client}",
            $"DELETE /clients/{client}",
            "GET /personnel",
            $"GET /personnel/{newton}",
            "POST /personnel",
            $"PUT /personnel/{newton}",
            $"DELETE /personnel/{newton}",
            "GET /messages",
            "GET /messages/1",
            "POST /messages/1/retry",
            $"PUT /clients/{client}/personnel/{newton}",
            $"PUT /clients/all/personnel/{newton}",
            "PUT /clients/all/personnel?replace=true&wait=5",
            $"PUT /clients/{client}/personnel",
            $"DELETE /clients/{client}/personnel/{newton}",
            $"DELETE /clients/all/personnel/{newton}",
            "DELETE /clients/all/personnel?wait=5",
            $"DELETE /clients/{client}/personnel",
        ];
        foreach (var route in routes)
        {
            var (method, path) = (new HttpMethod(route.Split(' ')[0]), route.Split(' ')[1]);
            using var request = new HttpRequestMessage(method, path);
            if (path is "/personnel" || path == $"/personnel/{newton}" && method == HttpMethod.Put)
            {
                request.Content = System.Net.Http.Json.JsonContent.Create(
                    new
                    {
                        name = "Ada",
                        surname = "Lovelace",
                        ssn = "11111111111",
                    }
                );
            }
            else if (path is "/clients" || path == $"/clients/{client}" && method == HttpMethod.Put)
            {
                request.Content = System.Net.Http.Json.JsonContent.Create(
                    new
                    {
                        name = "Renamed",
                        host = "127.0.0.1",
                        port = 9,
                    }
                );
            }

            using var response = await stack.Api.SendAsync(request);

            Assert.True(
                response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"{route} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    /// <summary>Waits until the operation's transaction has written rows (seen by a dirty read: not committed), then
    /// kill -9.</summary>
    private async Task KillMySqlOnceTheOperationHasWrittenAsync(RelayStack stack, Task<HttpResponseMessage> call)
    {
        await using var root = await _mariadb.OpenRootAsync();
        await new MySqlCommand("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED", root).ExecuteNonQueryAsync();
        await Eventually.ReturnsAsync(
            async () =>
                call.IsCompleted
                    ? -1
                    : (long)
                        (
                            await new MySqlCommand(
                                $"SELECT COUNT(*) FROM `{stack.DatabaseName}`.batches",
                                root
                            ).ExecuteScalarAsync()
                        )!,
            written => written != 0,
            TimeSpan.FromSeconds(20),
            because: "the broadcast's transaction is writing"
        );
        Assert.False(call.IsCompleted, "the operation finished before MySQL could be killed under it");
        _mariadb.Kill();
    }
}
