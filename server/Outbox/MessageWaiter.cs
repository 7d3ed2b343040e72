using Dapper;
using MySqlConnector;

namespace Relay.Server.Outbox;

/// <summary>
/// Lets a caller (<c>?wait=SECONDS</c>) wait until what it queued is settled, so scripts can act
/// without polling. Wakes on every acknowledgement in this process, and also re-checks MySQL every
/// 100 ms for what another server instance delivers.
/// </summary>
internal sealed class MessageWaiter(MySqlDataSource db, OutboxSignal signal, TimeProvider time)
{
    /// <summary>Waits until none of the messages (the server's checks, a message queued again) is pending, or the time
    /// is up.</summary>
    public Task WaitForMessagesAsync(IReadOnlyList<long> messageIds, TimeSpan timeout, CancellationToken ct) =>
        UntilAsync(
            async () =>
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                return await connection.ExecuteScalarAsync<bool>(
                    new CommandDefinition(
                        $"SELECT EXISTS (SELECT 1 FROM messages WHERE id IN @messageIds AND state = '{MessageStates.Pending}')",
                        new { messageIds },
                        cancellationToken: ct
                    )
                );
            },
            timeout,
            ct
        );

    /// <summary>Asks <paramref name="pending"/> after every settled message until it answers false or the time is
    /// up.</summary>
    public async Task UntilAsync(Func<Task<bool>> pending, TimeSpan timeout, CancellationToken ct)
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

            await Task.WhenAny(
                settled,
                Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100, left.TotalMilliseconds)), time, ct)
            );
            ct.ThrowIfCancellationRequested();
        }
    }
}
