using System.ComponentModel.DataAnnotations;

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

    /// <summary>How long the previous credential keeps working after a rotation, unless the call says
    /// otherwise.</summary>
    [Range(
        typeof(TimeSpan),
        "00:00:00",
        "30.00:00:00",
        ErrorMessage = "Credentials:Overlap must be between 0 and 30 days."
    )]
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
    }
}
