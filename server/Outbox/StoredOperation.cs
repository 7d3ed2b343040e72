namespace Relay.Server.Outbox;

/// <summary>A stored operation: what was asked, and which clients it is for.</summary>
/// <param name="ClientId">The one client, or null for every client registered at the call (ids up to <paramref
/// name="AudienceUpto"/>).</param>
internal sealed record StoredOperation(
    long Id,
    string Kind,
    long? ClientId,
    long? PersonnelId,
    long? AudienceUpto,
    DateTime CreatedAt
)
{
    /// <summary>Condition on <c>c</c> (clients): a client this operation is for (and still registered).</summary>
    public string Audience =>
        ClientId is not null ? "c.id = @ClientId"
        : AudienceUpto is not null ? "c.id <= @AudienceUpto"
        : "FALSE";
}
