using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

/// <summary>Small helpers over HttpClient that read what a curl user would read.</summary>
public static class Api
{
    public static async Task<long> CreateClientAsync(
        this HttpClient http,
        string name,
        int port,
        string host = "127.0.0.1"
    ) => (await http.RegisterClientAsync(name, host, port)).Id;

    /// <summary>Registers two clients (ports 5001, 5002) and three personnel: the data most operation tests start
    /// from.</summary>
    public static async Task<SeededIds> SeedTwoClientsThreePersonnelAsync(this HttpClient http) =>
        new(
            await http.CreateClientAsync("Client #1", 5001),
            await http.CreateClientAsync("Client #2", 5002),
            await http.CreatePersonnelAsync("Isaac", "Newton", "12345678900"),
            await http.CreatePersonnelAsync("Albert", "Einstein", "98765432100"),
            await http.CreatePersonnelAsync("Marie", "Curie", "11122233344")
        );

    /// <summary>Runs an operation, asserts 202 with its location, and returns the ids of the messages it
    /// queued.</summary>
    public static async Task<long[]> OperateAsync(this HttpClient http, HttpMethod method, string path) =>
        await http.OperationMessageIdsAsync((await http.StartOperationAsync(method, path))["id"]!.GetValue<long>());

    /// <summary>Runs an operation, asserts 202 with its location, and returns the answer: the operation.</summary>
    public static async Task<JsonObject> StartOperationAsync(this HttpClient http, HttpMethod method, string path)
    {
        var response = await http.SendAsync(new HttpRequestMessage(method, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == HttpStatusCode.Accepted,
            $"{method} {path} answered {(int)response.StatusCode}: {body}"
        );
        var operation = JsonNode.Parse(body)!.AsObject();
        Assert.Equal($"/operations/{operation["id"]}", response.Headers.Location?.OriginalString);
        return operation;
    }

    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expected,
            $"expected {(int)expected}, got {(int)response.StatusCode}: {body}"
        );
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        return problem;
    }

    public static IEnumerable<string> ErrorFields(this JsonObject problem) =>
        problem["errors"]?.AsObject().Select(e => e.Key) ?? [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>The ids <see cref="Api.SeedTwoClientsThreePersonnelAsync"/> made: two clients, then Newton, Einstein and
/// Curie.</summary>
public sealed record SeededIds(long Client1, long Client2, long Newton, long Einstein, long Curie);
