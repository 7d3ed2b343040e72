using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Relay.Hosting.Auth;
using Relay.Hosting.Http;
using Relay.Hosting.Tracing;

namespace Relay.Client.Settings;

/// <summary>Where the daemon keeps its data and where it listens. Section <c>Client</c>. Setters, not <c>init</c>: the
/// binder's source generator (the daemon is compiled ahead of time) leaves init-only properties unset, in
/// silence (dotnet/runtime#107856).</summary>
internal sealed class ClientOptions : IValidatableObject
{
    public const string Section = "Client";

    [Required(ErrorMessage = "Client:DatabasePath is required: the SQLite file this client keeps its personnel in.")]
    public string DatabasePath { get; set; } = "";

    [Range(1, 65535, ErrorMessage = "Client:TcpPort must be between 1 and 65535.")]
    public int TcpPort { get; set; }

    /// <summary>Address the TCP listener binds to; 0.0.0.0 in containers.</summary>
    public string TcpBindAddress { get; set; } = "127.0.0.1";

    [Required(ErrorMessage = "Client:HttpUrl is required, e.g. http://127.0.0.1:8001.")]
    public string HttpUrl { get; set; } = "";

    /// <summary>
    /// This client's link credential, as <c>POST /clients</c> or a rotation answered; nothing is
    /// applied from a peer that cannot prove it holds the same. Or <see cref="CredentialFile"/>.
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>A file holding the credential, read again at every connection (rotation without restart).</summary>
    public string? CredentialFile { get; set; }

    /// <summary>The key callers send in <c>X-Api-Key</c> to read this client's personnel (role read).</summary>
    [StringLength(
        int.MaxValue,
        MinimumLength = 8,
        ErrorMessage = "Client:ReadApiKey must be at least 8 characters when set."
    )]
    public string? ReadApiKey { get; set; }

    /// <summary>The listing without a key. Off by default: it holds SSNs.</summary>
    public bool OpenReads { get; set; }

    /// <summary>Failed attempts (wrong HTTP keys, failed TCP handshakes) one address may make per <see
    /// cref="FailedAttemptsWindow"/>.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Client:FailedAttemptsAllowed must be between 1 and 1000000.")]
    public int FailedAttemptsAllowed { get; set; } = 10;

    [DurationRange(
        "00:00:01",
        "1.00:00:00",
        ErrorMessage = "Client:FailedAttemptsWindow must be between 1 s and 1 day."
    )]
    public TimeSpan FailedAttemptsWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Optional PKCS#12 (.pfx) certificate: when set, the TCP listener speaks TLS only.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>Password of <see cref="TlsCertificatePath"/>, if it has one.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>
    /// How many applied message ids are remembered to recognise redeliveries; older ones are
    /// pruned so the file does not grow without bound. The sender never has more than its window
    /// in flight, so this only needs to be comfortably larger than that.
    /// </summary>
    [Range(100, 10_000_000, ErrorMessage = "Client:AppliedIdsKept must be between 100 and 10000000.")]
    public int AppliedIdsKept { get; set; } = 10_000;

    /// <summary>A peer must finish the handshake within this time after connecting.</summary>
    [DurationRange(
        "00:00:00.100",
        "00:05:00",
        ErrorMessage = "Client:HandshakeTimeout must be between 0.1 s and 5 min."
    )]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Once a frame has begun to arrive, all of it must arrive within this time.</summary>
    [DurationRange("00:00:00.100", "00:05:00", ErrorMessage = "Client:FrameTimeout must be between 0.1 s and 5 min.")]
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>More simultaneous TCP connections than this are closed at once.</summary>
    [Range(1, 10_000, ErrorMessage = "Client:MaxConnections must be between 1 and 10000.")]
    public int MaxConnections { get; set; } = 16;

    /// <summary>
    /// How many personnel this site can hold (a door controller's memory, a licence), or none for no limit. A
    /// message that would make it hold more is refused for good, changing nothing: the operator sees it failed, and
    /// discards it or retries it once there is room.
    /// </summary>
    [Range(1, 100_000_000, ErrorMessage = "Client:MaxPersonnel must be between 1 and 100000000 when set.")]
    public int? MaxPersonnel { get; set; }

    /// <summary>
    /// How long a personnel whose validity window has ended stays in the file (listed with <c>all=true</c>) before it
    /// is deleted. It opens nothing in that time either way; the server's verify leaves expired rows out.
    /// </summary>
    [DurationRange(
        "00:00:01",
        "3650.00:00:00",
        ErrorMessage = "Client:PurgeExpiredAfter must be between 1 s and 3650 days."
    )]
    public TimeSpan PurgeExpiredAfter { get; set; } = TimeSpan.FromDays(7);

    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "Client:MaxFrameBytes must be between 1024 and 67108864.")]
    public int MaxFrameBytes { get; set; } = Contracts.Protocol.FrameCodec.DefaultMaxPayloadBytes;

    // Methods, not properties: validation reads every property, and these only make sense once it passed.
    public IPAddress ParseTcpAddress() => IPAddress.Parse(TcpBindAddress);

    public Uri ParseHttpUrl() => new(HttpUrl);

    /// <summary>Why the certificate cannot be opened, or null: found at start-up rather than by the listener.</summary>
    private string? CertificateProblem()
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                TlsCertificatePath!,
                TlsCertificatePassword
            );
            return certificate.HasPrivateKey ? null : "it has no private key";
        }
        catch (CryptographicException e)
        {
            return e.Message;
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Credential) == string.IsNullOrEmpty(CredentialFile))
        {
            yield return new ValidationResult(
                "Client:Credential or Client:CredentialFile is required (one, not both): the link credential POST /clients answered for this client.",
                [nameof(Credential)]
            );
        }
        else if (
            !string.IsNullOrEmpty(Credential)
            && !Contracts.Protocol.LinkCredential.TryParse(Credential, out _, out var why)
        )
        {
            yield return new ValidationResult(
                $"Client:Credential is not a link credential: {why}.",
                [nameof(Credential)]
            );
        }

        if (string.IsNullOrEmpty(ReadApiKey) && !OpenReads)
        {
            yield return new ValidationResult(
                "Client:ReadApiKey is required to read this client's personnel (or set Client:OpenReads=true to leave the listing open).",
                [nameof(ReadApiKey)]
            );
        }

        if (!string.IsNullOrEmpty(TlsCertificatePath) && !File.Exists(TlsCertificatePath))
        {
            yield return new ValidationResult(
                $"Client:TlsCertificatePath '{TlsCertificatePath}' does not exist.",
                [nameof(TlsCertificatePath)]
            );
        }
        else if (!string.IsNullOrEmpty(TlsCertificatePath) && CertificateProblem() is { } problem)
        {
            yield return new ValidationResult(
                $"Client:TlsCertificatePath '{TlsCertificatePath}' is not a PKCS#12 certificate with a private key that Client:TlsCertificatePassword opens: {problem}",
                [nameof(TlsCertificatePassword)]
            );
        }

        if (!IPAddress.TryParse(TcpBindAddress, out _))
        {
            yield return new ValidationResult(
                $"Client:TcpBindAddress '{TcpBindAddress}' is not an IP address.",
                [nameof(TcpBindAddress)]
            );
        }

        if (string.IsNullOrEmpty(HttpUrl))
        {
            yield break;
        }

        // The port must be written out (":80" included): the URL names the listener to open.
        var valid =
            Uri.TryCreate(HttpUrl, UriKind.Absolute, out var http)
            && http.Scheme == Uri.UriSchemeHttp
            && (!http.IsDefaultPort || HttpUrl.Contains(":80", StringComparison.Ordinal));
        if (!valid)
        {
            yield return new ValidationResult(
                $"Client:HttpUrl '{HttpUrl}' must be an http URL with a port, e.g. http://127.0.0.1:8001.",
                [nameof(HttpUrl)]
            );
        }
        else if (http!.Port == TcpPort && TcpPort != 0)
        {
            yield return new ValidationResult(
                "Client:HttpUrl and Client:TcpPort use the same port.",
                [nameof(HttpUrl)]
            );
        }
    }
}

internal static partial class ClientOptionsSetup
{
    public static void UseClientAuth(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ClientOptions>>().Value.OpenReads)
        {
            LogOpenReads(app.Logger);
        }

        app.UseApiKeyAuthentication();
    }

    [LoggerMessage(
        EventId = 4101,
        Level = LogLevel.Warning,
        Message = "Client:OpenReads is on: anyone who can reach this port can read the personnel it holds, including their SSNs"
    )]
    private static partial void LogOpenReads(ILogger logger);

    /// <summary>The client's settings sections, as the start-up checks them.</summary>
    public static readonly IReadOnlyList<SettingSection> Sections =
    [
        SettingSection.Of(ClientOptions.Section, c => c.Get<ClientOptions>()),
        SettingSection.Of(TracingOptions.Section, c => c.Get<TracingOptions>()),
    ];

    public static void AddClientOptions(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<ClientOptions>()
            .BindConfiguration(ClientOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddApiKeyAuthentication(
            sp =>
            {
                var options = sp.GetRequiredService<IOptions<ClientOptions>>().Value;
                ApiKey[] keys = string.IsNullOrEmpty(options.ReadApiKey)
                    ? []
                    : [ApiKey.FromSecret("read", options.ReadApiKey, ApiKeyRoles.Read)];
                return new ApiKeySettings(keys, options.OpenReads);
            },
            sp =>
            {
                var options = sp.GetRequiredService<IOptions<ClientOptions>>().Value;
                return new FailedAuthBrake(options.FailedAttemptsAllowed, options.FailedAttemptsWindow);
            }
        );
    }
}
