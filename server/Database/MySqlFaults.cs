using System.Net.Sockets;
using MySqlConnector;

namespace Relay.Server.Database;

/// <summary>
/// Tells "MySQL is away" (unreachable, killed mid-statement, shutting down) from a bug. The first
/// is a 503 to the caller and a pause for the sender; the second keeps its stack trace as a 500.
/// </summary>
internal static class MySqlFaults
{
    // Server going down or the session killed under a statement (MariaDB's ER_CONNECTION_KILLED is 1927).
    private const int ConnectionKilled = 1927;

    public static bool IsUnavailable(Exception e) => e switch
    {
        CommitOutcomeUnknownException => true,
        MySqlException m when m.IsTransient
            || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.ServerShutdown or MySqlErrorCode.QueryInterrupted
            || (int)m.ErrorCode == ConnectionKilled => true,

        // MySqlEndOfStreamException is an IOException: the connection died under a statement.
        IOException or SocketException or TimeoutException => true,
        _ => e.InnerException is not null && IsUnavailable(e.InnerException),
    };

    public static bool CommitOutcomeIsUnknown(Exception e) =>
        e is CommitOutcomeUnknownException || (e.InnerException is not null && CommitOutcomeIsUnknown(e.InnerException));

    /// <summary>
    /// Commits, and says so when MySQL went away during the commit itself: the transaction then
    /// took effect whole or not at all, and nobody can tell which from here.
    /// </summary>
    public static async Task CommitOrExplainAsync(this MySqlTransaction tx, CancellationToken ct)
    {
        try
        {
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new CommitOutcomeUnknownException(e);
        }
    }
}

/// <summary>MySQL went away while a transaction was being committed.</summary>
internal sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("MySQL went away while the transaction was being committed; it took effect whole or not at all.", inner);
