using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Relay.Testing;

/// <summary>A client as <c>POST /clients</c> answers it: its id and the link credential to give the daemon.</summary>
public sealed record RegisteredClient(long Id, string Credential);

/// <summary>
/// The calls every test suite and the bench make to set a server up, as a script would make them
/// with curl: one place that knows the paths and the answers' shapes. A call that does not answer
/// 201 throws with what the server said.
/// </summary>
public static class RelayApi
{
    public static async Task<RegisteredClient> RegisterClientAsync(
        this HttpClient api,
        string name,
        string host,
        int port,
        CancellationToken ct = default
    )
    {
        var created = await CreatedAsync(
            await api.PostAsJsonAsync(
                "/clients",
                new
                {
                    name,
                    host,
                    port,
                },
                ct
            ),
            "POST /clients",
            ct
        );
        return new RegisteredClient(created["id"]!.GetValue<long>(), created["credential"]!.GetValue<string>());
    }

    public static async Task<long> CreatePersonnelAsync(
        this HttpClient api,
        string name,
        string surname,
        string ssn,
        CancellationToken ct = default
    ) =>
        (
            await CreatedAsync(
                await api.PostAsJsonAsync(
                    "/personnel",
                    new
                    {
                        name,
                        surname,
                        ssn,
                    },
                    ct
                ),
                "POST /personnel",
                ct
            )
        )["id"]!.GetValue<long>();

    private static async Task<JsonObject> CreatedAsync(HttpResponseMessage response, string call, CancellationToken ct)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            return response.StatusCode == HttpStatusCode.Created
                ? JsonNode.Parse(body)!.AsObject()
                : throw new HttpRequestException(
                    $"{call} answered {(int)response.StatusCode}, not 201: {body}",
                    null,
                    response.StatusCode
                );
        }
    }
}
