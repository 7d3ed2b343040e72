using Dapper;
using MySqlConnector;
using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>
/// Lets a caller (<c>?wait=SECONDS</c>) wait until an operation is settled, or the checks it
/// asked for have run, so scripts can act without polling. Wakes on every acknowledgement in this
/// process, and also re-checks MySQL every 100 ms for what another server instance delivers.
/// </summary>
internal sealed class OperationWaiter(MySqlDataSource db, OperationProgress progress, OutboxSignal signal, TimeProvider time)
{
    public const int MaxWaitSeconds = 60;

    /// <summary>What <c>?wait=</c> means, for the API description (its bounds are on the parameter).</summary>
    public const string WaitText = "Seconds to wait for the outcome before answering. 0 or none answers at once with 202 and what was queued.";

    /// <summary>Waits until no client has a message of the operation left to receive, or the time is up; then reads where it stands.</summary>
    public async Task<OperationStatus> WaitAsync(StoredOperation operation, TimeSpan timeout, CancellationToken ct)
    {
        var broadcasts = await progress.BroadcastIdsAsync(operation, ct);
        await UntilAsync(() => progress.HasPendingAsync(operation, broadcasts, ct), timeout, ct);
        return await progress.StatusAsync(operation, broadcasts, ct);
    }

    /// <summary>Waits until none of the messages (the server's checks) is pending, or the time is up.</summary>
    public Task WaitForMessagesAsync(IReadOnlyList<long> messageIds, TimeSpan timeout, CancellationToken ct) =>
        UntilAsync(async () =>
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                $"SELECT EXISTS (SELECT 1 FROM messages WHERE id IN @messageIds AND state = '{MessageStates.Pending}')", new { messageIds }, cancellationToken: ct));
        }, timeout, ct);

    private async Task UntilAsync(Func<Task<bool>> pending, TimeSpan timeout, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var settled = signal.NextSettled;
            var left = timeout - time.GetElapsedTime(started);
            if (!await pending() || left <= TimeSpan.Zero)
            {
                return;
            }

            await Task.WhenAny(settled, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100, left.TotalMilliseconds)), time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }
}
