using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Relay.Server.Verification;

namespace Relay.Tests.Integration;

/// <summary>
/// What the server believes each client should hold, kept as operations are queued: the target a
/// verify compares against. It must follow every operation, and cost rows only for personnel
/// named one by one, never clients × personnel.
/// </summary>
public sealed class HoldingsTests : AppTest
{
    private long _c1,
        _c2,
        _p1,
        _p2,
        _p3;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_c1, _c2, _p1, _p2, _p3) = await Http.SeedTwoClientsThreePersonnelAsync();
    }

    [Fact]
    public async Task TheTargetFollowsSendsAndDeletesOfAllAndOfOne()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel");
        await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c1}/personnel/{_p2}");
        var p4 = await Http.CreatePersonnelAsync("Ada", "Lovelace", "55566677788");
        var p5 = await Http.CreatePersonnelAsync("Alan", "Turing", "55566677799");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{p4}");

        await Http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{_p3}");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c2}/personnel/{_p1}");
        await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c2}/personnel/{_p3}");

        // Created after "send all" and never sent: not held, although its id is above nothing sent.
        Assert.Equal([_p1, _p3, p4], await TargetAsync(_c1));
        Assert.Equal([_p1], await TargetAsync(_c2));
        Assert.DoesNotContain(p5, await TargetAsync(_c1));

        await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c1}/personnel");
        Assert.Empty(await TargetAsync(_c1));
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel?replace=true");
        Assert.Equal([_p1, _p2, _p3, p4, p5], await TargetAsync(_c1));
    }

    [Fact]
    public async Task APersonnelRemovedFromTheServerLeavesEveryTargetWithItsExceptions()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel/{_p1}");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c2}/personnel");

        (await Http.DeleteAsync($"/personnel/{_p1}?propagate=false")).EnsureSuccessStatusCode();

        Assert.Empty(await TargetAsync(_c1));
        Assert.Equal([_p2, _p3], await TargetAsync(_c2));
        await using var db = await App.OpenDatabaseAsync();
        Assert.Equal(
            0,
            await db.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM client_holdings WHERE personnel_id = @_p1",
                new { _p1 }
            )
        );
    }

    [Fact]
    public async Task AFleetSentEverythingCostsNoHoldingsRowsWhateverItsSize()
    {
        await using (var db = await App.OpenDatabaseAsync())
        {
            await db.ExecuteAsync(
                $"""
                INSERT INTO clients (name, host, port, created_at)
                SELECT CONCAT('Site ', n), CONCAT('10.1.', n DIV 250, '.', n MOD 250), 7000, UTC_TIMESTAMP(6)
                FROM (SELECT a.i * 100 + b.i * 10 + c.i + 1 AS n FROM {Digits("a")} CROSS JOIN {Digits(
                    "b"
                )} CROSS JOIN {Digits("c")}) numbers
                """
            );
        }

        await Http.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        // Newcomers sent one by one to sites that hold everyone move the watermark: no rows either.
        var hire = await Http.CreatePersonnelAsync("Ada", "Lovelace", "55566677788");
        await Http.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{hire}");
        await using (var db = await App.OpenDatabaseAsync())
        {
            Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_holdings"));
            Assert.Equal(
                1_002,
                await db.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM client_watermarks WHERE holds_all_upto = @hire",
                    new { hire }
                )
            );
        }

        await Http.OperateAsync(HttpMethod.Delete, $"/clients/all/personnel/{_p2}");

        await using var check = await App.OpenDatabaseAsync();
        var clients = await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM clients");
        Assert.Equal(1_002, clients);

        // One exception per client for the one personnel deleted from all: rows grow with what was named, not with the
        // register.
        Assert.Equal(clients, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM client_holdings"));
        Assert.Equal([_p1, _p3, hire], await TargetAsync(_c2));
    }

    [Fact]
    public async Task MessagesQueuedAfterAVerifyAreLeftOutOfItsJudgementAndAWholeTableChangeSupersedesIt()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel");
        var verify = await VerifyAsync(_c1);
        await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c1}/personnel/{_p2}");
        (
            await Http.PutAsJsonAsync(
                $"/personnel/{_p3}",
                new
                {
                    name = "Marie",
                    surname = "Skłodowska-Curie",
                    ssn = "11122233344",
                }
            )
        ).EnsureSuccessStatusCode();

        var target = await ClientTarget.LoadAsync(
            App.Services.GetRequiredService<MySqlDataSource>(),
            _c1,
            verify,
            CancellationToken.None
        );
        Assert.Equal([_p2, _p3], target.NotJudged.Order());
        Assert.Null(target.SupersededBy);

        var deleteAll = (await Http.OperateAsync(HttpMethod.Delete, $"/clients/{_c1}/personnel")).Single();
        target = await ClientTarget.LoadAsync(
            App.Services.GetRequiredService<MySqlDataSource>(),
            _c1,
            verify,
            CancellationToken.None
        );
        Assert.Equal(deleteAll, target.SupersededBy);
    }

    [Fact]
    public async Task AVerifyIsQueuedBehindTheClientsMessagesAndAnswersPendingWithWhereToLook()
    {
        await Http.OperateAsync(HttpMethod.Put, $"/clients/{_c1}/personnel");

        using var response = await Http.GetAsync($"/clients/{_c1}/verify");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("verify", "pending"), (body["kind"]!.GetValue<string>(), body["state"]!.GetValue<string>()));
        Assert.Equal($"/verifications/{body["id"]}", response.Headers.Location!.OriginalString);
        await using (var db = await App.OpenDatabaseAsync())
        {
            Assert.Equal(["save", "verify"], await db.QueryAsync<string>("SELECT kind FROM messages ORDER BY id"));
        }

        Assert.Equal(
            body.ToJsonString(),
            (await Http.GetFromJsonAsync<JsonObject>(response.Headers.Location.OriginalString))!.ToJsonString()
        );
    }

    [Fact]
    public async Task ARefusedVerifyRetriedIsPendingAgain()
    {
        var verify = await VerifyAsync(_c1);
        await using (var db = await App.OpenDatabaseAsync())
        {
            // As the sender records a client's permanent refusal of the digest request.
            await db.ExecuteAsync(
                """
                UPDATE messages SET state = 'failed', last_error = 'refused' WHERE id = @verify;
                UPDATE verifications SET state = 'failed', judged_at = UTC_TIMESTAMP(6), note = 'refused' WHERE message_id = @verify;
                """,
                new { verify }
            );
        }

        (await Http.PostAsync($"/messages/{verify}/retry", null)).EnsureSuccessStatusCode();

        await using var check = await App.OpenDatabaseAsync();
        Assert.Equal(
            ("pending", null),
            await check.QuerySingleAsync<(string, string?)>(
                "SELECT state, note FROM verifications WHERE message_id = @verify",
                new { verify }
            )
        );
    }

    [Theory]
    [InlineData("/clients/0/verify", "clientId")]
    [InlineData("/clients/1/verify?wait=61", "wait")]
    [InlineData("/clients/all/verify?wait=-1", "wait")]
    [InlineData("/verifications/0", "id")]
    [InlineData("/clients/1/personnel?sync=true&replace=true", "sync")]
    public async Task BadVerifyAndSyncRequestsNameTheirField(string path, string field)
    {
        var method = path.Contains("sync") ? HttpMethod.Put : HttpMethod.Get;
        using var response = await Http.SendAsync(new HttpRequestMessage(method, path));

        Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task VerifyingAnUnknownClientOrVerificationIs404()
    {
        using var client = await Http.GetAsync("/clients/999/verify");
        using var verification = await Http.GetAsync("/verifications/999");

        await client.ProblemAsync(HttpStatusCode.NotFound);
        await verification.ProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<long> VerifyAsync(long clientId) =>
        (await Http.GetFromJsonAsync<JsonObject>($"/clients/{clientId}/verify"))!["messageId"]!.GetValue<long>();

    private async Task<long[]> TargetAsync(long clientId)
    {
        var target = await ClientTarget.LoadAsync(
            App.Services.GetRequiredService<MySqlDataSource>(),
            clientId,
            long.MaxValue,
            CancellationToken.None
        );
        return [.. target.Rows.Keys.Order()];
    }

    private static string Digits(string alias) =>
        $"(SELECT 0 AS i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) {alias}";
}
