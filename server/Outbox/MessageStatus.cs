namespace Relay.Server.Outbox;

/// <summary>
/// Where a message is: <c>pending</c> (waiting or being retried), <c>failed</c> (refused by the
/// client for good) or <c>delivered</c> (acknowledged; it has left the outbox).
/// </summary>
public sealed record MessageStatus(
    long Id,
    long ClientId,
    string Kind,
    int ItemCount,
    string State,
    int Attempts,
    DateTime CreatedAt,
    DateTime? LastAttemptAt,
    string? LastError,
    DateTime? DeliveredAt);
