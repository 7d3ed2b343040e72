using Microsoft.OpenApi;
using Relay.Contracts.Auth;
using Relay.Contracts.Http;
using Relay.Server.Audit;
using Relay.Server.Auth;

namespace Relay.Server.Http;

internal static class HttpSetup
{
    public static void AddRelayHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddRequestProblems();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();

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
                Name = ApiKeyAuthenticationHandler.Header,
                Description = "A key from Auth:ApiKey or Auth:Keys. Each call needs a role: read, operate or admin (which includes the others).",
            });
            o.OperationFilter<ApiKeyOperationFilter>();
        });
    }

    public static void UseRelayHttp(this WebApplication app)
    {
        app.UseRequestProblems();
        app.UseRequestSizeLimit();
        app.UseSwagger();
        app.UseSwaggerUI();
        app.UseApiKeyAuth();
        app.UseKnownQueryParameters();
    }
}
