using Relay.Client.Storage;
using Relay.Hosting.Http;
using Relay.Hosting.OpenApi;

namespace Relay.Client.Http;

/// <summary>The client daemon's own API description, Swagger UI and <c>GET /</c>: what an operator at the edge device
/// can ask it.</summary>
internal static class ClientApiDocs
{
    public static void AddClientApiDocs(this WebApplicationBuilder builder) =>
        builder.Services.AddApiDocs(
            new ApiDocsSettings
            {
                Title = "Relay client daemon API",
                DefaultAddress = new Uri("http://127.0.0.1:8001"),
                Description =
                    "Read what this client daemon holds. Nothing here changes data: only deliveries from the Relay server do, over TCP.",
                Tags = new Dictionary<string, string>
                {
                    ["About"] = "Which daemon answers, and where to go from here.",
                    ["Personnel"] = "The personnel this client holds, as the server last delivered them.",
                },
                HealthRoutes = new Dictionary<string, string>
                {
                    ["/health"] = "Whether the daemon is up and its TCP listener accepts deliveries.",
                },
                // client/openapi.json: what the JIT build generates (make openapi), served by the native one.
                Stored = () => typeof(ClientApiDocs).Assembly.GetManifestResourceStream("openapi.json")!,
            }
        );

    public static void MapAbout(this WebApplication app) =>
        app.MapDaemonInfo(
            "relay-client",
            new Dictionary<string, string>
            {
                ["swaggerUi"] = "/swagger",
                ["openApi"] = "/swagger/v1/swagger.json",
                ["license"] = DaemonInfoEndpoint.LicensePath,
                ["health"] = "/health",
                ["metrics"] = "/metrics",
                ["personnel"] = "/personnel",
            },
            (services, info) =>
                services.GetRequiredService<PersonnelStore>().Position is { } position
                    ? info with
                    {
                        Position = position.MessageId,
                        PositionAppliedAt = position.AppliedAt,
                    }
                    : info
        );
}
