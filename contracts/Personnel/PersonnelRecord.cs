namespace Relay.Contracts.Personnel;

/// <summary>One personnel as the server stores it and as a client holds it.</summary>
/// <param name="Id">The server's id; the client uses it as its own primary key.</param>
/// <param name="Name">Given name.</param>
/// <param name="Surname">Family name.</param>
/// <param name="Ssn">Social security number: exactly 11 digits.</param>
public sealed record PersonnelRecord(long Id, string Name, string Surname, string Ssn);
