using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Delivery;

internal sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>False runs an API-only instance that queues messages but sends nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often each client's queue is looked at when no operation has signalled it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one attempt (connect, send, wait for the acknowledgement) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; later ones double, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap on the delay between attempts; also the pause after a run of retries gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one message before the sender pauses for <see cref="MaxRetryDelay"/> and starts over.</summary>
    [Range(1, 1000)]
    public int MaxRetryAttempts { get; init; } = 8;

    /// <summary>Largest frame accepted from a client.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; init; } = Contracts.Protocol.FrameCodec.DefaultMaxPayloadBytes;
}
