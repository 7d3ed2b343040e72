using Relay.Hosting.Http;
using Relay.Hosting.Tracing;
using Relay.Server.Audit;
using Relay.Server.Auth;
using Relay.Server.Credentials;
using Relay.Server.Database;
using Relay.Server.Delivery;
using Relay.Server.Http;
using Relay.Server.Outbox;
using Relay.Server.Seed;

namespace Relay.Server;

/// <summary>The server's own settings sections and the options each binds to: a key under one of them that no option
/// reads is a slip the start-up names.</summary>
internal static class SettingSections
{
    public static readonly IReadOnlyList<SettingSection> All =
    [
        SettingSection.Of(AuditOptions.Section, c => c.Get<AuditOptions>()),
        SettingSection.Of(AuthOptions.Section, c => c.Get<AuthOptions>()),
        SettingSection.Of(CredentialOptions.Section, c => c.Get<CredentialOptions>()),
        SettingSection.Of("Database", c => c.Get<DatabaseSection>()),
        SettingSection.Of(DeliveryOptions.Section, c => c.Get<DeliveryOptions>()),
        SettingSection.Of(LimitsOptions.Section, c => c.Get<LimitsOptions>()),
        SettingSection.Of(OutboxOptions.Section, c => c.Get<OutboxOptions>()),
        SettingSection.Of(SeedOptions.Section, c => c.Get<SeedOptions>()),
        SettingSection.Of(TracingOptions.Section, c => c.Get<TracingOptions>()),
    ];
}
