using System.Net;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// An operator at an edge device finds the client's port: <c>/</c> says what it is, Swagger UI and
/// the API description say what it answers, and client/openapi.yaml is that description.
/// </summary>
public sealed class ClientApiDocumentTests : IAsyncLifetime
{
    private readonly ClientDaemon _client = ClientDaemon.Alone("client-docs");

    public Task InitializeAsync() => _client.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    /// <summary>The YAML for readers and generators; the JSON is what the native build serves (it cannot generate
    /// one), so it must be what the JIT build generates.</summary>
    [Theory]
    [InlineData("openapi.yaml")]
    [InlineData("openapi.json")]
    public async Task TheCheckedInDescriptionIsTheDocumentTheClientServes(string file)
    {
        // Read as if from where make run publishes the client, the address the checked-in file names.
        using var anonymous = new HttpClient { BaseAddress = new Uri(_client.HttpUrl) };
        anonymous.DefaultRequestHeaders.Host = "127.0.0.1:8001";

        var differences = await OpenApiFile.DifferencesAsync(anonymous, Path.Combine(Repo.Root, "client", file));

        Assert.True(
            differences.Count == 0,
            $"client/{file} and the served document disagree (run `make openapi` after an intended API change):\n"
                + string.Join('\n', differences.Take(30))
        );
    }

    [Fact]
    public async Task TheClientDocumentGivesBoundsErrorAnswersAndSecurityForEveryRoute()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_client.HttpUrl) };
        var document = await OpenApiFile.ServedAsync(anonymous);

        Assert.Empty(OpenApiFile.RuleBreaches(document, storeBehind: false));
        Assert.Equal(
            ["/", "/health", "/license", "/metrics", "/personnel", "/personnel/{id}"],
            document["paths"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)
        );
        Assert.Contains("swagger-ui", await anonymous.GetStringAsync("/swagger/index.html"));
    }

    [Fact]
    public async Task TheDocumentNamesTheDaemonItWasReadFromFirstThenTheDefaultAddress()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_client.HttpUrl) };

        var servers = (await OpenApiFile.ServedAsync(anonymous))["servers"]!.AsArray();

        Assert.Equal([_client.HttpUrl.TrimEnd('/'), "http://127.0.0.1:8001"], servers.Select(s => (string)s!["url"]!));
    }

    [Fact]
    public async Task TheRootSaysWhichDaemonThisIsAndEveryLinkAnswers()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_client.HttpUrl) };
        using var keyed = _client.CreateHttp();

        using var root = await anonymous.GetAsync("/");
        var info = JsonNode.Parse(await root.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("relay-client", (string?)info["name"]);
        Assert.False(string.IsNullOrEmpty((string?)info["version"]));
        foreach (var (name, link) in info["links"]!.AsObject())
        {
            using var answer = await keyed.GetAsync((string)link!);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{name} ({link}) answered {(int)answer.StatusCode}");
        }

        Assert.Contains("All rights reserved", await anonymous.GetStringAsync("/license"));
    }

    [Fact]
    public async Task TheHealthRouteRefusesAQueryParameterItDoesNotTake()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(_client.HttpUrl) };

        using var answer = await anonymous.GetAsync("/health?verbose=1");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("it takes no query parameters", await answer.Content.ReadAsStringAsync());
    }
}
