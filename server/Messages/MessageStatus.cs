using Relay.Server.Outbox;

namespace Relay.Server.Messages;

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
    MessageState State,
    int Attempts,
    DateTime CreatedAt,
    DateTime? LastAttemptAt,
    string? LastError,
    DateTime? DeliveredAt,
    long? OriginId
)
{
    /// <summary>The columns of <c>messages</c> that make a status.</summary>
    public const string OutboxColumns = """
        id AS Id, client_id AS ClientId, kind AS Kind, item_count AS ItemCount, state AS State, attempts AS Attempts,
        created_at AS CreatedAt, last_attempt_at AS LastAttemptAt, last_error AS LastError, CAST(NULL AS DATETIME(6)) AS DeliveredAt, origin_id AS OriginId
        """;

    /// <summary>The columns of <c>delivered_messages</c> that make a status, in the same order.</summary>
    public const string DeliveredColumns = $"""
        id, client_id, kind, item_count, '{MessageStates.Delivered}', attempts, created_at, delivered_at, NULL, delivered_at, origin_id
        """;
}
