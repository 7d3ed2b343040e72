using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Testing;

/// <summary>Reads what an operation queued, page by page, as a script would.</summary>
public static class OperationPages
{
    /// <summary>Every message of the operation (<c>GET /operations/{id}/messages</c>), in id order.</summary>
    public static async Task<IReadOnlyList<JsonNode>> OperationMessagesAsync(this HttpClient http, long operationId)
    {
        var messages = new List<JsonNode>();
        for (long? after = 0; after is not null; )
        {
            var page = (
                await http.GetFromJsonAsync<JsonObject>(
                    $"/operations/{operationId}/messages?limit=1000&afterId={after}"
                )
            )!;
            messages.AddRange(page["items"]!.AsArray().Select(m => m!));
            after = page["nextAfterId"]?.GetValue<long>();
        }

        return messages;
    }

    /// <summary>The ids of every message of the operation.</summary>
    public static async Task<long[]> OperationMessageIdsAsync(this HttpClient http, long operationId) =>
        [.. (await http.OperationMessagesAsync(operationId)).Select(m => m["id"]!.GetValue<long>())];
}
