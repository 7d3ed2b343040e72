using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Relay.Hosting.Auth;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Hosting.OpenApi;

/// <summary>
/// Tells Swagger UI (and code generators) which calls need a key and which role: the Authorize
/// button's key is sent where it is needed, open routes say <c>security: []</c>, and 401, 403 and
/// 429 are documented where they can happen.
/// </summary>
public sealed class ApiKeyOperationFilter : IOperationFilter
{
    /// <summary>The security scheme's name in the document.</summary>
    public const string SchemeName = "ApiKey";

    /// <inheritdoc />
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // Overrides the document's default requirement: no key is asked for.
            operation.Security = [];
            return;
        }

        var policy = metadata.OfType<IAuthorizeData>().LastOrDefault()?.Policy;
        var role = ApiKeyPolicies.RoleNeededBy(policy);
        var needs =
            policy == ApiKeyPolicies.Status
                ? "Open by default (no personal data); needs a key with the role `read` when `Auth:OpenStatus` is false."
                : $"Needs a key with the role `{role}`.";
        operation.Description = string.IsNullOrEmpty(operation.Description)
            ? needs
            : $"{operation.Description}\n\n{needs}";
        operation.Security ??= [];
        if (policy == ApiKeyPolicies.Status)
        {
            // An empty requirement beside the key: either satisfies the call.
            operation.Security.Add(new OpenApiSecurityRequirement());
        }

        operation.Security.Add(Requirement(context.Document));
        operation.Responses ??= [];
        operation.Responses.TryAdd(
            "401",
            new OpenApiResponse { Description = "The X-Api-Key header is missing or wrong." }
        );
        if (role != ApiKeyRoles.Read)
        {
            operation.Responses.TryAdd(
                "403",
                new OpenApiResponse { Description = $"The key's role is weaker than `{role}`." }
            );
        }

        // A rate-limited route also answers 429 to a caller over its share of the route's calls.
        var limited = context
            .ApiDescription.ActionDescriptor.EndpointMetadata.OfType<EnableRateLimitingAttribute>()
            .Any();
        operation.Responses.TryAdd(
            "429",
            new OpenApiResponse
            {
                Description = limited
                    ? "Too many calls of this kind from this key, or too many wrong keys from this address; try again after Retry-After seconds."
                    : "Too many wrong keys from this address; try again after Retry-After seconds.",
            }
        );
    }

    /// <summary>A requirement for this document's API key scheme.</summary>
    public static OpenApiSecurityRequirement Requirement(OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
}
