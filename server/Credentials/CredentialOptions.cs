using System.ComponentModel.DataAnnotations;
using Relay.Hosting.Http;

namespace Relay.Server.Credentials;

/// <summary>
/// The server-side key every client's link credential is derived from. Section <c>Credentials</c>.
/// It never leaves the server: MySQL holds only each client's salt and generation, the clients
/// only their own derived secret.
/// </summary>
internal sealed class CredentialOptions : IValidatableObject
{
    public const string Section = "Credentials";

    public const int MinMasterKeyLength = 32;

    public string MasterKey { get; init; } = "";

    /// <summary>
    /// The server's signing key: a PEM ECDSA P-256 private key (<c>openssl genpkey -algorithm EC -pkeyopt
    /// ec_paramgen_curve:P-256</c>). Empty: derived from <see cref="MasterKey"/>. Clients check the
    /// server with its public half, which their credentials carry.
    /// </summary>
    public string ServerKey { get; init; } = "";

    /// <summary>
    /// The key the server will sign with next, during a rotation of <see cref="ServerKey"/>: credentials
    /// issued meanwhile carry both public halves, so once every client has one, the server can switch
    /// without any client failing to know it.
    /// </summary>
    public string NextServerKey { get; init; } = "";

    /// <summary>How long the previous credential keeps working after a rotation, unless the call says
    /// otherwise.</summary>
    [DurationRange("00:00:00", "30.00:00:00", ErrorMessage = "Credentials:Overlap must be between 0 and 30 days.")]
    public TimeSpan Overlap { get; init; } = TimeSpan.FromDays(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MasterKey.Length < MinMasterKeyLength)
        {
            yield return new ValidationResult(
                $"Credentials:MasterKey is required (at least {MinMasterKeyLength} characters): every client's link credential is derived from it.",
                [nameof(MasterKey)]
            );
        }

        foreach (var (name, pem) in new[] { (nameof(ServerKey), ServerKey), (nameof(NextServerKey), NextServerKey) })
        {
            if (pem.Length > 0 && ServerKeys.TryImport(pem) is null)
            {
                yield return new ValidationResult(
                    $"Credentials:{name} must be a PEM ECDSA P-256 private key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256), or empty.",
                    [name]
                );
            }
        }
    }
}
