namespace Relay.Contracts.Personnel;

/// <summary>One personnel as the server stores it and as a client holds it.</summary>
/// <param name="Id">The server's id; the client uses it as its own primary key.</param>
/// <param name="Name">Given name.</param>
/// <param name="Surname">Family name.</param>
/// <param name="Ssn">Social security number: exactly 11 digits.</param>
/// <param name="ValidFrom">When the personnel's access starts (UTC, whole seconds); absent: it has no start.</param>
/// <param name="ValidUntil">When it ends, exclusive (UTC, whole seconds); absent: it does not end.</param>
public sealed record PersonnelRecord(
    long Id,
    string Name,
    string Surname,
    string Ssn,
    DateTime? ValidFrom = null,
    DateTime? ValidUntil = null
)
{
    /// <summary>When the personnel's access starts, normalised (<see cref="ValidityWindow.Normalize"/>) whatever it was
    /// built from, so every side hashes and compares the same value.</summary>
    public DateTime? ValidFrom { get; init; } = ValidityWindow.Normalize(ValidFrom);

    /// <summary>When it ends, exclusive, normalised as <see cref="ValidFrom"/> is.</summary>
    public DateTime? ValidUntil { get; init; } = ValidityWindow.Normalize(ValidUntil);

    /// <summary>True when the personnel may enter at <paramref name="at"/>.</summary>
    public bool IsValidAt(DateTime at) => ValidityWindow.Holds(ValidFrom, ValidUntil, at);
}
