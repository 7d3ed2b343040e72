using System.ComponentModel.DataAnnotations;
using Relay.Server.Http;

namespace Relay.Server.Clients;

/// <summary>A client daemon as registered with the server: where its TCP listener is.</summary>
public sealed record ClientRequest(
    [property: Required, StringLength(ClientRequest.MaxNameLength), ShownText] string? Name,
    [property: Required, StringLength(253)] string? Host,
    [property: Required, Range(1, 65535)] int? Port
) : IValidatableObject
{
    public const int MaxNameLength = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Host) && Uri.CheckHostName(Host) == UriHostNameType.Unknown)
        {
            yield return new ValidationResult("Host must be a host name or an IP address.", [nameof(Host)]);
        }
    }
}
