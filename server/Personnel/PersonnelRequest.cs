using System.ComponentModel.DataAnnotations;
using Relay.Server.Http;

namespace Relay.Server.Personnel;

/// <summary>A personnel as entered through the API.</summary>
public sealed record PersonnelRequest(
    [property: Required, StringLength(100), ShownText] string? Name,
    [property: Required, StringLength(100), ShownText] string? Surname,
    [property:
        Required,
        RegularExpression(
            Contracts.Personnel.Ssn.Pattern,
            ErrorMessage = $"Ssn must be {Contracts.Personnel.Ssn.Rule}."
        )
    ]
        string? Ssn
);
