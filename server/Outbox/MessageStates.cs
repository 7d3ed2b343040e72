namespace Relay.Server.Outbox;

/// <summary>Where a message stands. A delivered message has left <c>messages</c> for <c>delivered_messages</c>; it is a
/// state only in answers.</summary>
public enum MessageState
{
    /// <summary>Waiting to be delivered, or being retried.</summary>
    Pending,

    /// <summary>Refused by the client for good: kept until retried or discarded.</summary>
    Failed,

    /// <summary>Acknowledged (in <c>delivered_messages</c>).</summary>
    Delivered,
}

/// <summary>
/// <see cref="MessageState"/> as SQL spells it (the <c>state</c> column), for statements written
/// as constants; <c>StateNamesTests</c> holds them to the enum's wire names.
/// </summary>
internal static class MessageStates
{
    public const string Pending = "pending";

    public const string Failed = "failed";

    public const string Delivered = "delivered";
}
