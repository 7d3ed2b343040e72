using Microsoft.Extensions.Options;
using Relay.Hosting.Auth;
using Relay.Hosting.Http;
using Relay.Server.Audit;
using Relay.Server.Http;

namespace Relay.Server.Auth;

internal static partial class AuthSetup
{
    public static void AddApiKeyAuth(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddApiKeyAuthentication(
            sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value.ToSettings(),
            sp =>
            {
                var options = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
                return new FailedAuthBrake(
                    options.FailedAttemptsAllowed,
                    options.FailedAttemptsWindow,
                    sp.GetRequiredService<TimeProvider>()
                );
            }
        );
    }

    /// <summary>
    /// Authentication, the audit log (which needs to know the key, and must see every refusal after it, a 413 for
    /// an oversized body included), the body size limit, then authorization.
    /// </summary>
    public static void UseApiKeyAuth(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.OpenReads)
        {
            LogOpenReads(app.Logger);
        }

        app.UseAuthentication();
        app.UseAuditLog();
        app.UseRequestSizeLimit();
        app.UseAuthorization();
        app.UseRateLimiter();
    }

    [LoggerMessage(
        EventId = 1101,
        Level = LogLevel.Warning,
        Message = "Auth:OpenReads is on: anyone who can reach the API can read personnel, including their SSNs"
    )]
    private static partial void LogOpenReads(ILogger logger);
}
