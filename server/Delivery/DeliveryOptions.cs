using System.ComponentModel.DataAnnotations;
using Relay.Hosting.Http;

namespace Relay.Server.Delivery;

internal sealed class DeliveryOptions : IValidatableObject
{
    public const string Section = "Delivery";

    /// <summary>Speak TLS to the clients (their listeners need <c>Client:TlsCertificatePath</c>).</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// Optional certificate (PEM or DER) trusted as a root for the clients' certificates, e.g. a
    /// private CA or a self-signed client certificate; without it the system's roots are used.
    /// </summary>
    public string? TlsTrustedCertificatePath { get; init; }

    /// <summary>False runs an API-only instance that queues messages but sends nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often each client's queue is looked at when no operation has signalled it.</summary>
    [DurationRange("00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest a client may make no progress in an attempt (connect, each part of a frame sent, each answer)
    /// before it fails.</summary>
    [DurationRange("00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry delay; later ones double, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    [DurationRange("00:00:00.001", "00:10:00")]
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Cap on the delay between attempts; also the pause after a run of retries gives up.</summary>
    [DurationRange("00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one message before the sender pauses for <see cref="MaxRetryDelay"/> and starts
    /// over.</summary>
    [Range(1, 1000)]
    public int MaxRetryAttempts { get; init; } = 8;

    /// <summary>
    /// How long a server instance's claim on a client lasts without renewal. Another instance
    /// takes the client over this long after the holder died.
    /// </summary>
    [DurationRange("00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Names this instance in client leases; defaults to host name, process id and a random suffix.</summary>
    [StringLength(100)]
    public string? InstanceId { get; init; }

    /// <summary>Failed attempts (at this ratio, within <see cref="BreakerSamplingDuration"/>) that open a client's
    /// circuit.</summary>
    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; init; } = 4;

    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; init; } = 0.5;

    [DurationRange("00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses attempts before one is let through to probe the client.</summary>
    [DurationRange("00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often an idle connection to a client is looked at (and TCP keep-alive's idle time), so
    /// a client that goes away shows as unreachable with nothing to send. The server connects to
    /// every client it holds and reconnects with back-off, up to <see cref="MaxRetryDelay"/>.
    /// Zero connects only to deliver.
    /// </summary>
    [DurationRange("00:00:00", "01:00:00")]
    public TimeSpan LinkCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages sent to one client before waiting for their acknowledgements (pipelining).</summary>
    [Range(1, 256)]
    public int Window { get; init; } = 8;

    /// <summary>Largest frame accepted from a client.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; init; } = Contracts.Protocol.FrameCodec.DefaultMaxPayloadBytes;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration < PollInterval * 2)
        {
            yield return new ValidationResult(
                "Delivery:LeaseDuration must be at least twice Delivery:PollInterval, so a lease is renewed before it runs out.",
                [nameof(LeaseDuration)]
            );
        }

        if (!string.IsNullOrEmpty(TlsTrustedCertificatePath) && !File.Exists(TlsTrustedCertificatePath))
        {
            yield return new ValidationResult(
                $"Delivery:TlsTrustedCertificatePath '{TlsTrustedCertificatePath}' does not exist.",
                [nameof(TlsTrustedCertificatePath)]
            );
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult(
                "Delivery:MaxRetryDelay must not be shorter than Delivery:RetryDelay.",
                [nameof(MaxRetryDelay)]
            );
        }
    }
}
