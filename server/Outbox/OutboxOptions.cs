using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Outbox;

internal sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Most personnel one message carries; bulk operations split their snapshot into messages of this size.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; init; } = 1000;
}
