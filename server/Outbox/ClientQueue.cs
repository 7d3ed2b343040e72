namespace Relay.Server.Outbox;

/// <summary>
/// Which outbox rows make up a client's queue. A message for one client names it
/// (<c>client_id</c>). A message to every client, a broadcast, is one row for the whole fleet
/// (<c>client_id</c> null): it is in the queue of each client registered when it was queued
/// (<c>id &lt;= audience_upto</c>) until that client's <c>broadcast_position</c> passes it, so
/// accepting it costs a row per batch however many clients there are. Broadcasts take every
/// client's lock, so they commit in id order and a position never skips one.
/// </summary>
internal static class ClientQueue
{
    /// <summary>Condition on <c>m</c> (messages): pending for client <c>c</c>, sent to it alone.</summary>
    public const string OwnPending = $"m.client_id = c.id AND m.state = '{MessageStates.Pending}'";

    /// <summary>Condition on <c>m</c> (messages): a broadcast client <c>c</c> has not passed yet.</summary>
    public const string BroadcastPending =
        $"m.client_id IS NULL AND m.state = '{MessageStates.Pending}' AND m.id > c.broadcast_position AND m.audience_upto >= c.id";

    /// <summary>Client <c>c</c>'s pending messages, counted.</summary>
    public const string PendingCount = $"""
        ((SELECT COUNT(*) FROM messages m WHERE {OwnPending}) + (SELECT COUNT(*) FROM messages m WHERE {BroadcastPending}))
        """;

    /// <summary>When client <c>c</c>'s oldest pending message was queued, or null.</summary>
    public const string OldestPendingAt = $"""
        LEAST(COALESCE({OldestOwn}, {OldestBroadcast}), COALESCE({OldestBroadcast}, {OldestOwn}))
        """;

    private const string OldestOwn = $"(SELECT MIN(m.created_at) FROM messages m WHERE {OwnPending})";

    private const string OldestBroadcast = $"(SELECT MIN(m.created_at) FROM messages m WHERE {BroadcastPending})";

    /// <summary>True when client <c>c</c> has anything pending.</summary>
    public const string HasPending = $"""
        (EXISTS (SELECT 1 FROM messages m WHERE {OwnPending}) OR EXISTS (SELECT 1 FROM messages m WHERE {BroadcastPending}))
        """;
}
