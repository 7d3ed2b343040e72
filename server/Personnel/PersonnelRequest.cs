using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Relay.Contracts.Personnel;
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
        string? Ssn,
    [property: Description(
        "When access starts (ISO 8601; kept as UTC, whole seconds). Absent: no start. Clients list the personnel only "
            + "from then."
    )]
        DateTimeOffset? ValidFrom = null,
    [property: Description(
        "When access ends, exclusive (ISO 8601; kept as UTC, whole seconds). Absent: no end. A site drops the "
            + "personnel from its listing at that time, even cut off from the server."
    )]
        DateTimeOffset? ValidUntil = null
) : IValidatableObject
{
    /// <summary>The personnel as stored and sent, with id <paramref name="id"/>.</summary>
    public PersonnelRecord ToRecord(long id) =>
        new(id, Name!, Surname!, Ssn!, ValidFrom?.UtcDateTime, ValidUntil?.UtcDateTime);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ValidityWindow.Problem(ValidFrom?.UtcDateTime, ValidUntil?.UtcDateTime) is { } problem)
        {
            yield return new ValidationResult(problem.Message, [problem.Field]);
        }
    }
}
