using Microsoft.Extensions.Options;
using Relay.Hosting.Auth;
using Relay.Hosting.Http;
using Relay.Hosting.OpenApi;
using Relay.Server.Audit;
using Relay.Server.Auth;
using Relay.Server.Dashboard;
using Relay.Server.Http;

namespace Relay.Server;

internal static class HttpSetup
{
    public static void AddRelayHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddRequestProblems();
        builder.Services.AddValidation();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        builder.AddExpensiveCallLimits();

        builder.Services.AddApiDocs(
            new ApiDocsSettings
            {
                Title = "Relay control API",
                DefaultAddress = new Uri("http://127.0.0.1:8080"),
                Description = "Manage clients and personnel, and queue the messages that bring clients up to date.",
                Tags = new Dictionary<string, string>
                {
                    ["About"] = "Which daemon answers, and where to go from here.",
                    ["Clients"] =
                        "The client daemons the server delivers to: where they listen, how far each one is, its link credential.",
                    ["Personnel"] =
                        "The register kept on the server, one by one or in bulk. Changing it sends nothing by itself, except to clients that already hold a changed personnel.",
                    ["Operations"] =
                        "The eight operations (send or delete one or all personnel, to one or all clients), each queued as messages and followed as a resource.",
                    ["Messages"] =
                        "The outbox: what is still to be delivered, what a client refused, and retrying or discarding it.",
                    ["Verification"] =
                        "Whether a client holds exactly what the server says it should, checked by comparing digests.",
                    ["Audit"] = "Who changed what, and when.",
                },
                HealthRoutes = new Dictionary<string, string>
                {
                    ["/health"] = "Live and ready in one answer: ready when MySQL answers and the schema is current.",
                    ["/health/live"] = "Whether the process answers at all (for a restart policy).",
                    ["/health/ready"] =
                        "Whether the server can do its work: MySQL answers and the schema is current (for a load balancer).",
                },
                StoreAway =
                    "MySQL cannot be reached or went away during the call; retry after Retry-After seconds (the detail says whether a change may have been committed).",
            }
        );
    }

    public static void UseRelayHttp(this WebApplication app)
    {
        app.UseTrustedProxies(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.TrustedProxies);
        app.UseDashboardSlash();
        app.UseRequestProblems();
        app.UseApiDocs();
        app.UseDashboard();
        app.UseApiKeyAuth();
        app.UseKnownQueryParameters();
    }

    /// <summary><c>GET /</c>: which daemon this is, and links for a person who found the port.</summary>
    public static void MapAbout(this WebApplication app) =>
        app.MapDaemonInfo(
            "relay-server",
            new Dictionary<string, string>
            {
                ["dashboard"] = DashboardSetup.Path,
                ["swaggerUi"] = "/swagger",
                ["openApi"] = "/swagger/v1/swagger.json",
                ["license"] = DaemonInfoEndpoint.LicensePath,
                ["health"] = "/health",
                ["metrics"] = "/metrics",
                ["clients"] = "/clients",
                ["personnel"] = "/personnel",
                ["operations"] = "/operations",
                ["messages"] = "/messages",
            }
        );
}
