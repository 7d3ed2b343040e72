using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Seed;

/// <summary>
/// Rows written at start-up into an empty database (clients when there are none, personnel when
/// there are none), so a fresh stack has something to send. Empty by default.
/// </summary>
internal sealed class SeedOptions : IValidatableObject
{
    public const string Section = "Seed";

    public List<SeedClient> Clients { get; init; } = [];

    public List<SeedPersonnel> Personnel { get; init; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Clients.Count; i++)
        {
            var c = Clients[i];
            if (string.IsNullOrWhiteSpace(c.Name) || string.IsNullOrWhiteSpace(c.Host) || c.Port is < 1 or > 65535)
            {
                yield return new ValidationResult(
                    $"Seed:Clients:{i} needs a Name, a Host and a Port between 1 and 65535.",
                    [$"Clients:{i}"]
                );
            }
        }

        for (var i = 0; i < Personnel.Count; i++)
        {
            var p = Personnel[i];
            if (
                string.IsNullOrWhiteSpace(p.Name)
                || string.IsNullOrWhiteSpace(p.Surname)
                || !Contracts.Personnel.Ssn.IsValid(p.Ssn)
            )
            {
                yield return new ValidationResult(
                    $"Seed:Personnel:{i} needs a Name, a Surname and an Ssn of {Contracts.Personnel.Ssn.Rule}.",
                    [$"Personnel:{i}"]
                );
            }
        }
    }
}

internal sealed class SeedClient
{
    public string Name { get; init; } = "";
    public string Host { get; init; } = "";
    public int Port { get; init; }

    /// <summary>Where to write this client's link credential at every start (for a daemon on the same machine or volume
    /// to read as <c>Client:CredentialFile</c>).</summary>
    public string? CredentialFile { get; init; }
}

internal sealed class SeedPersonnel
{
    public string Name { get; init; } = "";
    public string Surname { get; init; } = "";
    public string Ssn { get; init; } = "";
}
