using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting.Auth;

/// <summary>API-key authentication and role policies, the same on the server and the client daemon.</summary>
public static class ApiKeyAuthSetup
{
    /// <summary>Registers the key scheme as the default and the role policies (<see cref="ApiKeyPolicies"/>).</summary>
    public static IServiceCollection AddApiKeyAuthentication(
        this IServiceCollection services,
        Func<IServiceProvider, ApiKeySettings> settings,
        Func<IServiceProvider, FailedAuthBrake> brake
    )
    {
        services.AddSingleton(settings);
        services.AddSingleton(brake);
        services
            .AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName,
                null
            );
        services.AddAuthorizationBuilder().AddApiKeyPolicies();
        return services;
    }

    /// <summary>Authentication, then authorization; after routing and before the endpoints.</summary>
    public static IApplicationBuilder UseApiKeyAuthentication(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization();
}
