namespace Relay.Server.Outbox;

/// <summary>
/// The states of a row in <c>messages</c> (its <c>state</c> column), for SQL and C# alike. A
/// delivered message has left the table for <c>delivered_messages</c>; it is a state only in answers.
/// </summary>
internal static class MessageStates
{
    /// <summary>Waiting to be delivered, or being retried.</summary>
    public const string Pending = "pending";

    /// <summary>Refused by the client for good: kept until retried or discarded.</summary>
    public const string Failed = "failed";

    /// <summary>Acknowledged (in <c>delivered_messages</c>).</summary>
    public const string Delivered = "delivered";
}
