using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

/// <summary>Named keys with roles: read &lt; operate &lt; admin. Reads need a key too.</summary>
public sealed class ApiKeyTests() : AppTest(WithKeys())
{
    private const string OperateKey = "ci-operate-key-0001";
    private const string ReadKey = "dashboard-read-key-0001";
    private const string HashedKey = "given-only-as-its-hash";

    private static ServerApp WithKeys() =>
        new ServerApp()
            .With("Auth:Keys:0:Name", "ci")
            .With("Auth:Keys:0:Key", OperateKey)
            .With("Auth:Keys:0:Role", "operate")
            .With("Auth:Keys:1:Name", "dashboard")
            .With("Auth:Keys:1:Key", ReadKey)
            .With("Auth:Keys:1:Role", "read")
            .With("Auth:Keys:2:Name", "auditor")
            .With("Auth:Keys:2:KeySha256", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(HashedKey))))
            .With("Auth:Keys:2:Role", "read")
            // Many wrong keys on purpose here; the brake has tests of its own.
            .With("Auth:FailedAttemptsAllowed", "1000");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key-of-some-length")]
    [InlineData(ServerApp.AdminKey + " ")]
    public async Task ChangingDataWithoutAValidKeyIs401AndChangesNothing(string? key)
    {
        var client = await Http.CreateClientAsync("One", 6001);
        var person = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        using var caller = App.CreateClientWithKey(key);

        var attempts = new[]
        {
            await caller.PostAsJsonAsync(
                "/personnel",
                new
                {
                    name = "Eve",
                    surname = "Intruder",
                    ssn = "66666666666",
                }
            ),
            await caller.PutAsJsonAsync(
                $"/personnel/{person}",
                new
                {
                    name = "Eve",
                    surname = "Intruder",
                    ssn = "12345678900",
                }
            ),
            await caller.DeleteAsync($"/clients/{client}"),
            await caller.PutAsync("/clients/all/personnel", null),
            await caller.DeleteAsync("/clients/all/personnel"),
            await caller.PutAsync($"/clients/{client}/personnel?sync=true", null),
            await caller.GetAsync($"/clients/{client}/verify"),
            await caller.GetAsync("/clients/all/verify"),
        };

        foreach (var response in attempts)
        {
            var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal(
                string.IsNullOrEmpty(key) ? "An API key is required." : "The API key is not valid.",
                problem["title"]!.GetValue<string>()
            );
        }

        Assert.Empty(await App.RowsAsync());
        var stored = await Http.GetFromJsonAsync<JsonObject>($"/personnel/{person}");
        Assert.Equal("Isaac", stored!["name"]!.GetValue<string>());
        Assert.Single((await Http.GetFromJsonAsync<JsonObject>("/personnel"))!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"/clients/{client}")).StatusCode);
    }

    [Theory]
    [InlineData("/personnel")]
    [InlineData("/personnel/1")]
    public async Task ReadingPersonnelWithoutAKeyIs401AndWithAReadKeyIsAllowed(string path)
    {
        await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        using var anonymous = App.CreateClientWithKey(null);
        using var reader = App.CreateClientWithKey(ReadKey);
        using var hashed = App.CreateClientWithKey(HashedKey);

        var refused = await anonymous.GetAsync(path);
        await refused.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.DoesNotContain("12345678900", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hashed.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData(ReadKey)]
    [InlineData(OperateKey)]
    [InlineData(null)]
    public async Task AMethodARouteLacksIs405WhateverTheKeyNot403(string? key)
    {
        using var caller = App.CreateClientWithKey(key);

        using var answer = await caller.PatchAsync("/personnel/1", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.Contains("GET", answer.Content.Headers.Allow);
    }

    [Fact]
    public async Task AnOperateKeyRunsOperationsButCannotCreateAClient()
    {
        var client = await Http.CreateClientAsync("One", 6001);
        var person = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        using var ci = App.CreateClientWithKey(OperateKey);

        var refused = await ci.PostAsJsonAsync(
            "/clients",
            new
            {
                name = "Two",
                host = "127.0.0.1",
                port = 6002,
            }
        );
        var problem = await refused.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("'ci' has the role operate", problem["detail"]!.GetValue<string>());
        Assert.Contains("role admin", problem["detail"]!.GetValue<string>());
        await (
            await ci.PostAsJsonAsync(
                "/personnel",
                new
                {
                    name = "Eve",
                    surname = "Intruder",
                    ssn = "66666666666",
                }
            )
        ).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Single(await ci.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{person}"));
        Assert.Single((await Http.GetFromJsonAsync<JsonObject>("/clients"))!["items"]!.AsArray());
        Assert.Single((await Http.GetFromJsonAsync<JsonObject>("/personnel"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task AReadKeyCannotOperateButCanVerify()
    {
        var client = await Http.CreateClientAsync("One", 6001);
        var person = await Http.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        using var reader = App.CreateClientWithKey(ReadKey);

        var problem = await (await reader.PutAsync($"/clients/{client}/personnel/{person}", null)).ProblemAsync(
            HttpStatusCode.Forbidden
        );
        Assert.Contains("role operate", problem["detail"]!.GetValue<string>());
        Assert.Empty(await App.RowsAsync());

        Assert.Equal(HttpStatusCode.Accepted, (await reader.GetAsync($"/clients/{client}/verify")).StatusCode);
    }

    [Theory]
    [InlineData("/clients")]
    [InlineData("/messages")]
    [InlineData("/operations")]
    public async Task StatusWithoutPersonalDataIsOpenByDefault(string path)
    {
        using var anonymous = App.CreateClientWithKey(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("/clients")]
    [InlineData("/messages")]
    [InlineData("/operations")]
    public async Task AWrongKeyOnAnOpenStatusRouteIs401SoAMistypedKeyIsFoundAtOnce(string path)
    {
        using var mistyped = App.CreateClientWithKey(ReadKey + "x");

        var problem = await (await mistyped.GetAsync(path)).ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("The API key is not valid.", (string?)problem["title"]);
    }

    [Fact]
    public async Task HealthMetricsAndSwaggerStayOpen()
    {
        using var anonymous = App.CreateClientWithKey(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }

    [Fact]
    public async Task TheDocumentTellsSwaggerUiWhichCallsNeedAKeyAndWhichRole()
    {
        var document = await App.CreateClientWithKey(null).GetFromJsonAsync<JsonObject>("/swagger/v1/swagger.json");

        Assert.Equal("X-Api-Key", document!["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>());
        var operate = document["paths"]!["/clients/all/personnel"]!["put"]!;
        Assert.NotNull(operate["security"]);
        Assert.Contains("role `operate`", operate["description"]!.GetValue<string>());
        Assert.NotNull(operate["responses"]!["403"]);
        var read = document["paths"]!["/personnel"]!["get"]!;
        Assert.Single(read["security"]!.AsArray());
        Assert.Null(read["responses"]!["403"]);
        Assert.NotNull(read["responses"]!["401"]);
        var status = document["paths"]!["/clients"]!["get"]!;
        Assert.Equal(2, status["security"]!.AsArray().Count);
    }
}

/// <summary>Status closed on purpose: every read needs a key.</summary>
public sealed class ClosedStatusTests : AppTest
{
    public override Task InitializeAsync()
    {
        App.With("Auth:OpenStatus", "false");
        return base.InitializeAsync();
    }

    [Theory]
    [InlineData("/clients")]
    [InlineData("/messages")]
    [InlineData("/operations")]
    public async Task StatusNeedsAReadKey(string path)
    {
        using var anonymous = App.CreateClientWithKey(null);

        await (await anonymous.GetAsync(path)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(path)).StatusCode);
    }
}

/// <summary>Reads opened on purpose: changes and verify still need a key.</summary>
public sealed class OpenReadsTests : AppTest
{
    public override Task InitializeAsync()
    {
        App.With("Auth:OpenReads", "true");
        return base.InitializeAsync();
    }

    [Fact]
    public async Task ReadsAreOpenButChangesAndVerifyStillNeedAKey()
    {
        var client = await Http.CreateClientAsync("One", 6001);
        using var anonymous = App.CreateClientWithKey(null);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/personnel")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/clients")).StatusCode);
        using var mistyped = App.CreateClientWithKey("not-a-key-of-this-server");
        await (await mistyped.GetAsync("/personnel")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/clients/{client}/verify")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (
            await anonymous.PostAsJsonAsync(
                "/personnel",
                new
                {
                    name = "Eve",
                    surname = "Intruder",
                    ssn = "66666666666",
                }
            )
        ).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}

/// <summary>Guessing keys: an address that sent too many wrong ones is refused for a while, right key or not.</summary>
public sealed class KeyGuessingTests : AppTest
{
    private const int Allowed = 3;

    public override Task InitializeAsync()
    {
        App.With("Auth:FailedAttemptsAllowed", Allowed.ToString())
            .With("Auth:FailedAttemptsWindow", "00:01:00")
            .With("Auth:OpenStatus", "false");
        return base.InitializeAsync();
    }

    [Fact]
    public async Task TheNextBadKeyAfterTheAllowedOnesGets429WithRetryAfterAndAValidKeyStillWorks()
    {
        using var guesser = App.CreateClientWithKey("guess-number-one");
        for (var i = 0; i < Allowed; i++)
        {
            await (await guesser.GetAsync("/clients")).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var braked = await guesser.GetAsync("/clients");
        var problem = await braked.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("too many wrong API keys", problem["detail"]!.GetValue<string>());
        var retryAfter = int.Parse(braked.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 60);

        // Others guessing wrong from the same address (a NAT, a proxy) never lock out the holder of a valid key.
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/clients")).StatusCode);
        await (await guesser.GetAsync("/clients")).ProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task CallsWithoutAKeyAreNotCountedAsGuesses()
    {
        using var anonymous = App.CreateClientWithKey(null);
        for (var i = 0; i < Allowed * 2; i++)
        {
            await (await anonymous.GetAsync("/clients")).ProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/clients")).StatusCode);
    }
}
