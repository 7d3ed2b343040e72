using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

internal static class Http
{
    public static async Task<JsonObject> JsonAsync(this HttpClient http, string path) =>
        (await http.GetFromJsonAsync<JsonObject>(path))!;

    public static async Task<(int Status, JsonObject Body)> SendJsonAsync(
        this HttpClient http,
        HttpMethod method,
        string path
    )
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    public static long[] Ids(this JsonObject body, string property) =>
        body[property]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();

    /// <summary>The message ids of an operation's answer (its <c>id</c>).</summary>
    public static Task<long[]> MessageIdsOfAsync(this HttpClient http, JsonObject operation) =>
        http.OperationMessageIdsAsync(operation["id"]!.GetValue<long>());
}
