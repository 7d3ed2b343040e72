using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Relay.Contracts.Http;

namespace Relay.Client.Http;

/// <summary>The read-only API's conventions, the server's own: problem details for every bad request.</summary>
internal static class HttpSetup
{
    public static void AddClientHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestProblems>();

        // Binding failures become exceptions so the handler above can name the parameter.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
    }

    public static void UseClientHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStrictPaths();
        app.UseKnownQueryParameters();
    }
}
