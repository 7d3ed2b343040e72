using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;
using Relay.Contracts.Http;
using Relay.Server.Auth;

namespace Relay.Server.Http;

internal static class HttpSetup
{
    public static void AddRelayHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();

        // Binding failures (bad JSON, wrong types, non-numeric ids) become exceptions so the
        // handler above can turn them into problem details that name the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Relay control API",
                Version = "v1",
                Description = "Manage clients and personnel, and queue the messages that bring clients up to date.",
            });
            o.SupportNonNullableReferenceTypes();
            o.AddSecurityDefinition(ApiKeyOperationFilter.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyMiddleware.Header,
                Description = "Required on every call that changes data.",
            });
            o.OperationFilter<ApiKeyOperationFilter>();
        });
    }

    public static void UseRelayHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStrictPaths();
        app.UseRequestSizeLimit();
        app.UseApiKeyAuth();
        app.UseKnownQueryParameters();
        app.UseSwagger();
        app.UseSwaggerUI();
    }
}
