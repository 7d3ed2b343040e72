using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Server.Auth;

/// <summary>Marks the operations that need the key, so Swagger UI sends it (Authorize button) only where it matters.</summary>
internal sealed class ApiKeyOperationFilter : IOperationFilter
{
    public const string SchemeName = "ApiKey";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.HttpMethod is "GET" or "HEAD" or "OPTIONS"
            && !context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequiresApiKey>().Any())
        {
            return;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "The X-Api-Key header is missing or wrong." });
    }
}
