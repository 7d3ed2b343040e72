namespace Relay.Server.Verification;

internal static class VerificationSetup
{
    public static void AddVerification(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Verifications>();
        builder.Services.AddSingleton<DriftChecks>();
    }
}
