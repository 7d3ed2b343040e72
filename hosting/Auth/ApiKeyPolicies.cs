using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting.Auth;

/// <summary>
/// Authorization policies, one per role, for <c>RequireAuthorization(...)</c> on route groups.
/// <see cref="Status"/> (no personal data) lets anyone in when status is configured open,
/// <see cref="Read"/> (personal data) when reads are; <see cref="KeyedRead"/> never does, for
/// reads that make the daemon work (a verify).
/// </summary>
public static class ApiKeyPolicies
{
    /// <summary>A read of status (no personal data): any key, or none when status is open.</summary>
    public const string Status = "status";

    /// <summary>A read of personal data: any key, or none when reads are open.</summary>
    public const string Read = ApiKeyRoles.Read;

    /// <summary>A read that makes the daemon work: any key, always.</summary>
    public const string KeyedRead = "keyed-read";

    /// <summary>An operate or admin key.</summary>
    public const string Operate = ApiKeyRoles.Operate;

    /// <summary>An admin key.</summary>
    public const string Admin = ApiKeyRoles.Admin;

    /// <summary>Adds the policies, and makes admin the fallback for routes that name none.</summary>
    public static AuthorizationBuilder AddApiKeyPolicies(this AuthorizationBuilder builder) =>
        builder
            .AddPolicy(Status, p =>
                p.RequireAssertion(context =>
                    context.User.IsInRole(ApiKeyRoles.Read)
                    || (
                        context.Resource is HttpContext http
                        && http.RequestServices.GetRequiredService<ApiKeySettings>().OpenStatus
                        && !GaveKey(http)
                    )
                )
            )
            .AddPolicy(Read, p =>
                p.RequireAssertion(context =>
                    context.User.IsInRole(ApiKeyRoles.Read)
                    || (
                        context.Resource is HttpContext http
                        && http.RequestServices.GetRequiredService<ApiKeySettings>().OpenReads
                        && !GaveKey(http)
                    )
                )
            )
            .AddPolicy(KeyedRead, p => p.RequireRole(ApiKeyRoles.Read))
            .AddPolicy(Operate, p => p.RequireRole(ApiKeyRoles.Operate))
            .AddPolicy(Admin, p => p.RequireRole(ApiKeyRoles.Admin))
            // A route nobody marked is for admins only, rather than open by omission; routing's own answer to a
            // method the path lacks is no route of ours, and says 405 to anyone.
            .SetFallbackPolicy(
                new AuthorizationPolicyBuilder()
                    .RequireAssertion(context =>
                        context.User.IsInRole(ApiKeyRoles.Admin)
                        || (context.Resource is HttpContext http && IsMethodNotAllowed(http.GetEndpoint()))
                    )
                    .Build()
            );

    /// <summary>
    /// Whether the caller sent a key at all: an open route still refuses a wrong one (401), so a mistyped
    /// key is found on the first call rather than on the first route that needs it.
    /// </summary>
    private static bool GaveKey(HttpContext http) =>
        http.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header);

    /// <summary>
    /// The endpoint routing substitutes when the path exists but not with this method (it answers
    /// 405 with <c>Allow</c>); the framework gives it no type or metadata of its own, only this name.
    /// </summary>
    public static bool IsMethodNotAllowed(Endpoint? endpoint) =>
        endpoint is not null
        && endpoint.Metadata.GetMetadata<IAuthorizeData>() is null
        && endpoint.DisplayName == "405 HTTP Method Not Supported";

    /// <summary>The role a call to <paramref name="endpoint"/> needs, for the 403 answer.</summary>
    public static string RoleNeededBy(Endpoint? endpoint) =>
        RoleNeededBy(endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().LastOrDefault()?.Policy);

    /// <summary>The role a policy asks for; a route with none needs admin (the fallback).</summary>
    public static string RoleNeededBy(string? policy) =>
        policy switch
        {
            Status or Read or KeyedRead => ApiKeyRoles.Read,
            Operate => ApiKeyRoles.Operate,
            _ => ApiKeyRoles.Admin,
        };
}
