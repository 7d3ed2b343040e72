using Relay.Hosting.Http;
using Relay.Server.Outbox;

namespace Relay.Server.Audit;

internal static class AuditSetup
{
    public static void AddAudit(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddSingleton<IRetentionJob, AuditRetention>();
        builder.Services.AddSingleton<AuditRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditRecorder>());
    }
}
