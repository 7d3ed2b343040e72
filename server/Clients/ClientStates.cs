using Relay.Server.Outbox;

namespace Relay.Server.Clients;

/// <summary>
/// A client at a glance, as the fleet view and <c>?state=</c> filters see it; worst first: a client
/// that cannot be reached with work waiting, one that refused messages for good, one with messages
/// still on their way, or one holding all it should.
/// </summary>
public enum ClientState
{
    Unreachable,
    Failed,
    Behind,
    UpToDate,
}

/// <summary>
/// <see cref="ClientState"/> as SQL spells it, and the expression that computes it;
/// <c>StateNamesTests</c> holds the names to the enum's wire names.
/// </summary>
internal static class ClientStates
{
    public const string Unreachable = "unreachable";
    public const string Failed = "failed";
    public const string Behind = "behind";
    public const string UpToDate = "upToDate";

    /// <summary>
    /// Client <c>c</c>'s state. A server that holds the client watches its connection, idle or not,
    /// and records since when it cannot reach it; a delivery attempt's error is cleared by the next
    /// success, so with work waiting it means the client did not answer either.
    /// </summary>
    public const string Expression = $"""
        CASE
          WHEN c.unreachable_since IS NOT NULL OR (c.last_error IS NOT NULL AND {ClientQueue.HasPending}) THEN '{Unreachable}'
          WHEN EXISTS (SELECT 1 FROM messages f WHERE f.client_id = c.id AND f.state = '{MessageStates.Failed}') THEN '{Failed}'
          WHEN {ClientQueue.HasPending} THEN '{Behind}'
          ELSE '{UpToDate}'
        END
        """;
}

/// <summary>How many clients are in each state: the top of the fleet view.</summary>
/// <param name="Total">Every registered client.</param>
/// <param name="Unreachable">The server cannot connect to it, or work is waiting and the last attempt to deliver it
/// failed.</param>
/// <param name="Failed">The client refused messages for good (see <c>GET /messages?state=failed</c>).</param>
/// <param name="Behind">Messages are on their way.</param>
/// <param name="UpToDate">Nothing is waiting.</param>
public sealed record ClientStateCounts(long Total, long Unreachable, long Failed, long Behind, long UpToDate);
