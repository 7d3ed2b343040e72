using System.ComponentModel.DataAnnotations;
using Relay.Hosting.Http;

namespace Relay.Server.Outbox;

internal sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Most personnel one message carries; bulk operations split their snapshot into messages of this
    /// size.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; init; } = 1000;

    /// <summary>How often shared batches that no message points at any more are removed.</summary>
    [DurationRange("00:00:00.100", "01:00:00")]
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Memory for shared batch payloads being delivered (see <see cref="BatchCache"/>), in bytes.</summary>
    [Range(1L << 20, 1L << 34)]
    public long BatchCacheBytes { get; init; } = 64L << 20;

    /// <summary>How long the status of a delivered message stays available at <c>GET /messages/{id}</c>.</summary>
    [DurationRange("00:00:01", "3650.00:00:00")]
    public TimeSpan DeliveredRetention { get; init; } = TimeSpan.FromDays(7);
}
