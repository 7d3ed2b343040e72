using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Personnel;

/// <summary>A personnel as entered through the API.</summary>
public sealed record PersonnelRequest(
    [property: Required, StringLength(100)] string? Name,
    [property: Required, StringLength(100)] string? Surname,
    [property: Required, RegularExpression("^[0-9]{11}$", ErrorMessage = "Ssn must be exactly 11 digits.")] string? Ssn);
