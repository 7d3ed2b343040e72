using Relay.Server.Delivery;
using Relay.Server.Outbox;

namespace Relay.Server.Verification;

internal static class VerificationSetup
{
    public static void AddVerification(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Verifications>();
        builder.Services.AddSingleton<IQueuedChecks, DriftChecks>();
        builder.Services.AddSingleton<IRetentionJob, VerificationRetention>();
    }
}
