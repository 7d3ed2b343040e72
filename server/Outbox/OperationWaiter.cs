using Dapper;
using MySqlConnector;

namespace Relay.Server.Outbox;

/// <summary>
/// Where an operation's messages stand: the ones not yet acknowledged, and the ones refused for
/// good (for a broadcast, the refusing client's failed copy: the id to retry).
/// </summary>
internal sealed record OperationProgress(IReadOnlyList<long> Pending, IReadOnlyList<long> Failed)
{
    public bool Delivered => Pending.Count == 0 && Failed.Count == 0;
}

/// <summary>
/// Lets a caller (<c>?wait=SECONDS</c>) wait until an operation's messages are acknowledged, so
/// scripts can act without polling. Wakes on every acknowledgement in this process, and also
/// re-checks MySQL every 100 ms for the ones another server instance delivers.
/// </summary>
internal sealed class OperationWaiter(MySqlDataSource db, OutboxSignal signal, TimeProvider time)
{
    public const int MaxWaitSeconds = 60;

    /// <summary>Adds the error for a <c>?wait=</c> outside 0–<see cref="MaxWaitSeconds"/> seconds.</summary>
    public static void ValidateWait(int? wait, Dictionary<string, string[]> errors)
    {
        if (wait is < 0 or > MaxWaitSeconds)
        {
            errors["wait"] = [$"wait must be between 0 and {MaxWaitSeconds} seconds."];
        }
    }

    public async Task<OperationProgress> WaitAsync(IReadOnlyList<long> messageIds, TimeSpan timeout, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var settled = signal.NextSettled;
            var progress = await ProgressAsync(messageIds, ct);
            var left = timeout - time.GetElapsedTime(started);
            if (progress.Pending.Count == 0 || left <= TimeSpan.Zero)
            {
                return progress;
            }

            await Task.WhenAny(settled, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100, left.TotalMilliseconds)), time, ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    private async Task<OperationProgress> ProgressAsync(IReadOnlyList<long> messageIds, CancellationToken ct)
    {
        if (messageIds.Count == 0)
        {
            return new([], []);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        // A broadcast a client refused stays pending for the others; the refusal is that client's failed copy.
        var rows = (await connection.QueryAsync<(long Id, string State)>(new CommandDefinition("""
            SELECT id, state FROM messages WHERE id IN @messageIds
            UNION ALL
            SELECT id, state FROM messages WHERE origin_id IN @messageIds AND state = 'failed'
            ORDER BY id
            """, new { messageIds }, cancellationToken: ct))).AsList();
        return new(rows.Where(r => r.State == "pending").Select(r => r.Id).ToList(), rows.Where(r => r.State == "failed").Select(r => r.Id).ToList());
    }
}
