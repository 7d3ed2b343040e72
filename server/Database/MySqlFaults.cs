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

    // Group Replication's ER_TRANSACTION_ROLLBACK_DURING_COMMIT: a certification conflict in multi-primary mode.
    private const int GroupReplicationRollback = 3101;

    public static bool IsUnavailable(Exception e) =>
        e switch
        {
            CommitOutcomeUnknownException => true,
            MySqlException m
                when m.IsTransient
                    || IsRolledBack(m)
                    || IsNotWritable(m)
                    || m.ErrorCode
                        is MySqlErrorCode.UnableToConnectToHost
                            or MySqlErrorCode.ServerShutdown
                            or MySqlErrorCode.QueryInterrupted
                    || (int)m.ErrorCode == ConnectionKilled => true,

            // MySqlEndOfStreamException is an IOException: the connection died under a statement.
            IOException or SocketException or TimeoutException => true,
            _ => e.InnerException is not null && IsUnavailable(e.InnerException),
        };

    /// <summary>
    /// The engine rolled the whole transaction back, and running it again is safe: a deadlock
    /// victim, a lock wait that timed out, or on a cluster a certification conflict (Galera reports
    /// it as a deadlock, at any statement or at <c>COMMIT</c>; Group Replication as 3101).
    /// </summary>
    public static bool IsRolledBack(MySqlException e) =>
        e.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout
        || (int)e.ErrorCode == GroupReplicationRollback;

    /// <summary>
    /// The node answers but takes no writes now: a Galera node outside the primary component
    /// ("WSREP has not yet prepared node for application use", 1047) or a read-only server
    /// (a Group Replication secondary, 1290; a read-only transaction, 1792).
    /// </summary>
    public static bool IsNotWritable(MySqlException e) =>
        e.ErrorCode
            is MySqlErrorCode.UnknownCommand
                or MySqlErrorCode.OptionPreventsStatement
                or MySqlErrorCode.CannotExecuteInReadOnlyTransaction;

    /// <summary>What went wrong, as a 503 says it: busy, not writable, or away; and when to retry.</summary>
    public static (string Title, string Detail, int RetryAfterSeconds) Explain(Exception e) =>
        e switch
        {
            _ when CommitOutcomeIsUnknown(e) => (
                "The database is unavailable.",
                "MySQL went away while this request's change was being committed: it took effect whole or not at all, and Relay cannot tell which. Check (GET /messages, or the resource) before sending it again.",
                5
            ),
            MySqlException m when IsRolledBack(m) => (
                "The database is busy.",
                "This request's change met concurrent changes too many times in a row and was rolled back whole each time. Nothing was committed; retry.",
                1
            ),
            MySqlException m when IsNotWritable(m) => (
                "The database takes no writes now.",
                "The database node Relay is connected to is not part of the cluster's primary component, or is read-only. Nothing was committed; retry shortly.",
                2
            ),
            _ when e.InnerException is not null && e is not MySqlException => Explain(e.InnerException),
            _ => (
                "The database is unavailable.",
                "Relay cannot reach MySQL, or lost it during the request. Nothing was committed; retry later.",
                5
            ),
        };

    public static bool CommitOutcomeIsUnknown(Exception e) =>
        e is CommitOutcomeUnknownException
        || (e.InnerException is not null && CommitOutcomeIsUnknown(e.InnerException));

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
        catch (MySqlException e) when (IsRolledBack(e))
        {
            // A certification conflict (or deadlock) at COMMIT: the engine rolled it back, certainly.
            throw;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new CommitOutcomeUnknownException(e);
        }
    }
}

/// <summary>MySQL went away while a transaction was being committed.</summary>
internal sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception(
        "MySQL went away while the transaction was being committed; it took effect whole or not at all.",
        inner
    );
