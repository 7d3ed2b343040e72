using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Server.Delivery;

/// <summary>
/// How the sender checks a client's TLS certificate: the system's roots, or a configured
/// certificate trusted as the only root (a private CA, or a pinned self-signed certificate).
/// The host name is always checked.
/// </summary>
internal sealed class TlsSettings(X509Certificate2? trustedRoot)
{
    public static TlsSettings? From(DeliveryOptions options) =>
        !options.Tls
            ? null
            : new TlsSettings(
                string.IsNullOrEmpty(options.TlsTrustedCertificatePath)
                    ? null
                    : X509CertificateLoader.LoadCertificateFromFile(options.TlsTrustedCertificatePath)
            );

    public SslClientAuthenticationOptions OptionsFor(string host) =>
        new()
        {
            TargetHost = host,
            CertificateChainPolicy = trustedRoot is null
                ? null
                : new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { trustedRoot },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
        };
}
