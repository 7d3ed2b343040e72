using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Relay.Client;

/// <summary>Where the daemon keeps its data and where it listens. Section <c>Client</c>.</summary>
internal sealed class ClientOptions : IValidatableObject
{
    public const string Section = "Client";

    [Required(ErrorMessage = "Client:DatabasePath is required: the SQLite file this client keeps its personnel in.")]
    public string DatabasePath { get; init; } = "";

    [Range(1, 65535, ErrorMessage = "Client:TcpPort must be between 1 and 65535.")]
    public int TcpPort { get; init; }

    /// <summary>Address the TCP listener binds to; 0.0.0.0 in containers.</summary>
    public string TcpBindAddress { get; init; } = "127.0.0.1";

    [Required(ErrorMessage = "Client:HttpUrl is required, e.g. http://127.0.0.1:8001.")]
    public string HttpUrl { get; init; } = "";

    /// <summary>The secret shared with the server (its <c>Delivery:SharedSecret</c>); nothing is applied from a peer that cannot prove it.</summary>
    [Required(ErrorMessage = "Client:SharedSecret is required: the secret shared with the server's Delivery:SharedSecret.")]
    [MinLength(Contracts.Protocol.TransportAuth.MinSecretLength, ErrorMessage = "Client:SharedSecret must be at least 16 characters.")]
    public string SharedSecret { get; init; } = "";

    /// <summary>Optional PKCS#12 (.pfx) certificate: when set, the TCP listener speaks TLS only.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>Password of <see cref="TlsCertificatePath"/>, if it has one.</summary>
    public string? TlsCertificatePassword { get; init; }

    /// <summary>
    /// How many applied message ids are remembered to recognise redeliveries; older ones are
    /// pruned so the file does not grow without bound. The sender never has more than its window
    /// in flight, so this only needs to be comfortably larger than that.
    /// </summary>
    [Range(100, 10_000_000, ErrorMessage = "Client:AppliedIdsKept must be between 100 and 10000000.")]
    public int AppliedIdsKept { get; init; } = 10_000;

    /// <summary>A peer must finish the handshake within this time after connecting.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Client:HandshakeTimeout must be between 0.1 s and 5 min.")]
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Once a frame has begun to arrive, all of it must arrive within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Client:FrameTimeout must be between 0.1 s and 5 min.")]
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>More simultaneous TCP connections than this are closed at once.</summary>
    [Range(1, 10_000, ErrorMessage = "Client:MaxConnections must be between 1 and 10000.")]
    public int MaxConnections { get; init; } = 16;

    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Client:MaxFrameBytes must be between 1024 and 67108864.")]
    public int MaxFrameBytes { get; init; } = Contracts.Protocol.FrameCodec.DefaultMaxPayloadBytes;

    // Methods, not properties: validation reads every property, and these only make sense once it passed.
    public IPAddress ParseTcpAddress() => IPAddress.Parse(TcpBindAddress);

    public Uri ParseHttpUrl() => new(HttpUrl);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(TlsCertificatePath) && !File.Exists(TlsCertificatePath))
        {
            yield return new ValidationResult($"Client:TlsCertificatePath '{TlsCertificatePath}' does not exist.", [nameof(TlsCertificatePath)]);
        }

        if (!IPAddress.TryParse(TcpBindAddress, out _))
        {
            yield return new ValidationResult($"Client:TcpBindAddress '{TcpBindAddress}' is not an IP address.", [nameof(TcpBindAddress)]);
        }

        if (string.IsNullOrEmpty(HttpUrl))
        {
            yield break;
        }

        // The port must be written out (":80" included): the URL names the listener to open.
        var valid = Uri.TryCreate(HttpUrl, UriKind.Absolute, out var http) && http.Scheme == Uri.UriSchemeHttp
            && (!http.IsDefaultPort || HttpUrl.Contains(":80", StringComparison.Ordinal));
        if (!valid)
        {
            yield return new ValidationResult($"Client:HttpUrl '{HttpUrl}' must be an http URL with a port, e.g. http://127.0.0.1:8001.", [nameof(HttpUrl)]);
        }
        else if (http!.Port == TcpPort && TcpPort != 0)
        {
            yield return new ValidationResult("Client:HttpUrl and Client:TcpPort use the same port.", [nameof(HttpUrl)]);
        }
    }
}

internal static class ClientOptionsSetup
{
    public static void AddClientOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClientOptions>()
            .BindConfiguration(ClientOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
