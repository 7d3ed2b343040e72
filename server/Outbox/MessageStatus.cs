namespace Relay.Server.Outbox;

/// <summary>
/// Where a message is: <c>pending</c> (waiting or being retried), <c>failed</c> (refused by the
/// client for good) or <c>delivered</c> (acknowledged; it has left the outbox). A message to every
/// client (<c>clientId</c> null) is pending until every client registered when it was queued has
/// acknowledged it; one that refuses it keeps a failed copy of its own, with <c>originId</c>.
/// </summary>
public sealed record MessageStatus(
    long Id,
    long? ClientId,
    string Kind,
    int ItemCount,
    string State,
    int Attempts,
    DateTime CreatedAt,
    DateTime? LastAttemptAt,
    string? LastError,
    DateTime? DeliveredAt,
    long? OriginId);
