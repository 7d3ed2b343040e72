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
    public static readonly IReadOnlyDictionary<string, Type> All = new Dictionary<string, Type>
    {
        [AuditOptions.Section] = typeof(AuditOptions),
        [AuthOptions.Section] = typeof(AuthOptions),
        [CredentialOptions.Section] = typeof(CredentialOptions),
        ["Database"] = typeof(DatabaseSection),
        [DeliveryOptions.Section] = typeof(DeliveryOptions),
        [LimitsOptions.Section] = typeof(LimitsOptions),
        [OutboxOptions.Section] = typeof(OutboxOptions),
        [SeedOptions.Section] = typeof(SeedOptions),
        [TracingOptions.Section] = typeof(TracingOptions),
    };
}
