using Relay.Server.Outbox;

namespace Relay.Server.Queue;

internal static class QueueSetup
{
    /// <summary>The sender's side of the outbox: reading each client's queue, recording what became of it, and clearing
    /// what is done.</summary>
    public static void AddQueue(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BatchCache>();
        builder.Services.AddSingleton<DeliveryQueue>();
        builder.Services.AddSingleton<IRetentionJob, QueueRetention>();
        builder.Services.AddHostedService<OutboxMonitor>();
    }
}
