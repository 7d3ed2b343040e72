using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

/// <summary>
/// Verify, import and export cost real work: a key flooding them gets 429 with a Retry-After that
/// says when, other keys are not affected, and verifications that would run back to back are one.
/// </summary>
public sealed class ExpensiveCallTests : AppTest
{
    private const string ReadKey = "dashboard-read-key-0001";

    public override Task InitializeAsync()
    {
        App.With("Limits:ExpensiveCallsPerMinute", "3")
            .With("Auth:Keys:0:Name", "dashboard")
            .With("Auth:Keys:0:Key", ReadKey)
            .With("Auth:Keys:0:Role", "read");
        return base.InitializeAsync();
    }

    [Fact]
    public async Task AKeyOverItsBudgetGets429WithRetryAfterAndOtherKeysGoOn()
    {
        using var dashboard = App.CreateClientWithKey(ReadKey);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/personnel/export")).StatusCode);
        }

        using var refused = await dashboard.GetAsync("/clients/all/verify");
        var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("Limits:ExpensiveCallsPerMinute", problem["detail"]!.GetValue<string>());
        // 3 a minute: the next one is allowed within 20 s, and Retry-After says so rather than a whole minute.
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/personnel/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/clients")).StatusCode);
    }

    [Fact]
    public async Task AVerifyAskedWhileAnotherWaitsAtTheEndOfTheQueueIsThatOne()
    {
        // No daemon listens: what is queued stays queued.
        var client = await Http.CreateClientAsync("Site", 7001);

        var first = await VerifyAsync(client);
        Assert.Equal(first, await VerifyAsync(client));

        // Something queued after it: the next verify must follow that, so it is a new one.
        await Http.CreatePersonnelAsync("Ada", "Lovelace", "55566677788");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel");
        Assert.NotEqual(first, await VerifyAsync(client));
    }

    private async Task<long> VerifyAsync(long client)
    {
        using var response = await Http.GetAsync($"/clients/{client}/verify");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }
}
