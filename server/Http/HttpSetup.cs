using Microsoft.OpenApi;
using Relay.Contracts.Http;
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
                Name = ApiKeyMiddleware.Header,
                Description = "Required on every call that changes data.",
            });
            o.OperationFilter<ApiKeyOperationFilter>();
        });
    }

    public static void UseRelayHttp(this WebApplication app)
    {
        app.UseRequestProblems();
        app.UseRequestSizeLimit();
        app.UseApiKeyAuth();
        app.UseKnownQueryParameters();
        app.UseSwagger();
        app.UseSwaggerUI();
    }
}
