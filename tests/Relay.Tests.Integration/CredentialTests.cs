using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Integration;

public sealed class CredentialTests : AppTest
{
    [Fact]
    public async Task RegisteringAClientAnswersItsCredentialOnceAndNothingThatOpensItIsStored()
    {
        var response = await Http.PostAsJsonAsync(
            "/clients",
            new
            {
                name = "One",
                host = "127.0.0.1",
                port = 6001,
            }
        );
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var credential = LinkCredential.Parse(created["credential"]!.GetValue<string>());

        Assert.Equal(created["id"]!.GetValue<long>(), credential.ClientId);
        Assert.Equal(1, credential.Generation);
        Assert.Equal(1, created["credentialGeneration"]!.GetValue<int>());
        var shown = await Http.GetFromJsonAsync<JsonObject>($"/clients/{credential.ClientId}");
        Assert.Null(shown!["credential"]);
        Assert.DoesNotContain(created["credential"]!.GetValue<string>(), await Http.GetStringAsync("/clients"));

        await using var db = await App.OpenDatabaseAsync();
        var row =
            (IDictionary<string, object>)
                await db.QuerySingleAsync("SELECT * FROM clients WHERE id = @id", new { id = credential.ClientId });
        var stored = string.Join(
            '|',
            row.Values.Select(v => v is byte[] bytes ? Convert.ToHexString(bytes) : v?.ToString())
        );
        Assert.DoesNotContain(Convert.ToHexString(credential.Secret), stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(created["credential"]!.GetValue<string>().Split('.')[3], stored);
    }

    [Fact]
    public async Task TwoClientsGetDifferentSecrets()
    {
        var one = await CreateAsync("One", 6001);
        var two = await CreateAsync("Two", 6002);

        Assert.False(one.Secret.SequenceEqual(two.Secret));
    }

    [Fact]
    public async Task ARotationIssuesTheNextGenerationAndKeepsThePreviousOneForTheOverlap()
    {
        var first = await CreateAsync("One", 6001);
        var before = DateTime.UtcNow;

        var response = await Http.PostAsync($"/clients/{first.ClientId}/credentials?overlap=3600", null);
        var issued = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = LinkCredential.Parse(issued["credential"]!.GetValue<string>());
        Assert.Equal(2, second.Generation);
        Assert.False(first.Secret.SequenceEqual(second.Secret));
        Assert.InRange(
            issued["previousGenerationValidUntil"]!.GetValue<DateTime>().ToUniversalTime(),
            before.AddSeconds(3590),
            before.AddSeconds(3700)
        );
        var shown = await Http.GetFromJsonAsync<JsonObject>($"/clients/{first.ClientId}");
        Assert.Equal(2, shown!["credentialGeneration"]!.GetValue<int>());
        Assert.NotNull(shown["previousCredentialValidUntil"]);
    }

    [Fact]
    public async Task ARotationWithoutOverlapEndsThePreviousGenerationAtOnce()
    {
        var first = await CreateAsync("One", 6001);

        var issued = await (
            await Http.PostAsync($"/clients/{first.ClientId}/credentials?overlap=0", null)
        ).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Null(issued!["previousGenerationValidUntil"]);
    }

    [Fact]
    public async Task EveryCredentialNamesTheServersOneSigningKeyAndNoSecretOfIt()
    {
        var one = await CreateAsync("One", 6001);
        var two = await CreateAsync("Two", 6002);

        var key = Assert.Single(one.ServerKeys);
        Assert.Equal([key], two.ServerKeys);
        Assert.True(ServerSignature.IsPublicKey(key));
        Assert.StartsWith("relay-link-2.", one.Encode());
    }

    [Fact]
    public async Task ARevocationEndsEveryGenerationAtOnceUntilANewCredentialIsIssued()
    {
        var first = await CreateAsync("One", 6001);

        var revoked = await Http.DeleteAsync($"/clients/{first.ClientId}/credentials");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var shown = await Http.GetFromJsonAsync<JsonObject>($"/clients/{first.ClientId}");
        Assert.Equal(2, shown!["credentialGeneration"]!.GetValue<int>());
        Assert.Null(shown["previousCredentialValidUntil"]);

        var issued = await (
            await Http.PostAsync($"/clients/{first.ClientId}/credentials", null)
        ).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(3, LinkCredential.Parse(issued!["credential"]!.GetValue<string>()).Generation);
        await (await Http.DeleteAsync("/clients/999/credentials")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/clients/0/credentials", "id", 400)]
    [InlineData("/clients/1/credentials?overlap=-1", "overlap", 400)]
    [InlineData("/clients/1/credentials?overlap=2592001", "overlap", 400)]
    [InlineData("/clients/999/credentials", null, 404)]
    public async Task ABadRotationIsAProblemAndChangesNothing(string path, string? field, int expected)
    {
        await CreateAsync("One", 6001);

        var problem = await (await Http.PostAsync(path, null)).ProblemAsync((HttpStatusCode)expected);

        if (field is not null)
        {
            Assert.Contains(field, problem.ErrorFields());
        }

        Assert.Equal(
            1,
            (await Http.GetFromJsonAsync<JsonObject>("/clients/1"))!["credentialGeneration"]!.GetValue<int>()
        );
    }

    private async Task<LinkCredential> CreateAsync(string name, int port)
    {
        var response = await Http.PostAsJsonAsync(
            "/clients",
            new
            {
                name,
                host = "127.0.0.1",
                port,
            }
        );
        response.EnsureSuccessStatusCode();
        return LinkCredential.Parse(
            (await response.Content.ReadFromJsonAsync<JsonObject>())!["credential"]!.GetValue<string>()
        );
    }
}
