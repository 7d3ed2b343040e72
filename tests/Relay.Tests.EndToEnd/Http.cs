using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Tests.EndToEnd;

internal static class Http
{
    public static async Task<JsonObject> JsonAsync(this HttpClient http, string path) =>
        (await http.GetFromJsonAsync<JsonObject>(path))!;

    public static async Task<(int Status, JsonObject Body)> SendJsonAsync(this HttpClient http, HttpMethod method, string path)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    public static long[] Ids(this JsonObject body, string property) =>
        body[property]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();

    /// <summary>Every message id of an operation, read page by page as a script would.</summary>
    public static async Task<long[]> OperationMessageIdsAsync(this HttpClient http, long operationId)
    {
        var ids = new List<long>();
        for (long? after = 0; after is not null;)
        {
            var page = await http.JsonAsync($"/operations/{operationId}/messages?limit=1000&afterId={after}");
            ids.AddRange(page.Ids("items", "id"));
            after = page["nextAfterId"]?.GetValue<long>();
        }

        return [.. ids];
    }

    /// <summary>The message ids of an operation's answer (its <c>id</c>).</summary>
    public static Task<long[]> MessageIdsOfAsync(this HttpClient http, JsonObject operation) =>
        http.OperationMessageIdsAsync(operation["id"]!.GetValue<long>());

    private static IEnumerable<long> Ids(this JsonObject page, string list, string property) =>
        page[list]!.AsArray().Select(n => n![property]!.GetValue<long>());
}
