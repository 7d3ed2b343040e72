using Relay.Hosting.Http;
using Relay.Server.Database;

namespace Relay.Server.Outbox;

internal static class OutboxSetup
{
    public static void AddOutbox(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddSingleton<Transactions>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxWriter>();
        builder.Services.AddSingleton<MessageWaiter>();
        builder.Services.AddHostedService<RetentionSweeper>();
    }
}
