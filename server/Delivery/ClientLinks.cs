using Dapper;
using MySqlConnector;
using Relay.Server.Database;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// Records whether the server can reach the clients it holds, also while nothing is sent, so the
/// fleet view tells a client that went away from a quiet one. Only changes are written, and
/// changes that happen together (a site's network going down, a server starting) are written
/// together.
/// </summary>
internal sealed class ClientLinks : IDisposable
{
    private readonly MySqlDataSource _db;
    private readonly TimeProvider _time;
    private readonly CallGroups<(long ClientId, string? Error, bool Refused), bool> _changes;

    public ClientLinks(MySqlDataSource db, TimeProvider time)
    {
        _db = db;
        _time = time;
        _changes = new CallGroups<(long, string?, bool), bool>(RecordAsync, maxGroup: 1000, concurrency: 1);
    }

    /// <summary>The client answered a connection: it is reachable (again).</summary>
    public Task ReachedAsync(long clientId, CancellationToken ct) => _changes.CallAsync((clientId, null, false), ct);

    /// <summary>The client cannot be reached, for this reason.</summary>
    public Task LostAsync(long clientId, string error, CancellationToken ct) =>
        _changes.CallAsync((clientId, error, false), ct);

    /// <summary>
    /// The link was refused or cut for its credential: that reason replaces whatever error came before
    /// (a dropped connection says less than which generation was refused and why).
    /// </summary>
    public Task RefusedAsync(long clientId, string error, CancellationToken ct) =>
        _changes.CallAsync((clientId, error, true), ct);

    private async Task<IReadOnlyList<bool>> RecordAsync(
        IReadOnlyList<(long ClientId, string? Error, bool Refused)> changes
    )
    {
        var now = _time.GetUtcNow().UtcDateTime;
        await using var connection = await _db.OpenConnectionAsync();
        var reached = changes.Where(c => c.Error is null).Select(c => c.ClientId).Distinct().ToArray();
        if (reached.Length > 0)
        {
            // The last error goes with the loss it explained; one from a delivery stays until a delivery succeeds.
            await connection.ExecuteAsync(
                """
                UPDATE clients SET last_error = CASE WHEN unreachable_since IS NULL THEN last_error END,
                                   unreachable_since = NULL, last_contact_at = @now
                WHERE id IN @reached
                """,
                new { reached, now }
            );
        }

        // A delivery's error (a certificate refused, say) says more than a failed connect, and may have been written
        // first.
        foreach (var lost in changes.Where(c => c.Error is not null).GroupBy(c => (c.Error, c.Refused)))
        {
            await connection.ExecuteAsync(
                lost.Key.Refused
                    ? "UPDATE clients SET unreachable_since = COALESCE(unreachable_since, @now), last_error = @error WHERE id IN @ids"
                    : "UPDATE clients SET unreachable_since = COALESCE(unreachable_since, @now), last_error = COALESCE(last_error, @error) WHERE id IN @ids",
                new
                {
                    ids = lost.Select(c => c.ClientId).Distinct().ToArray(),
                    error = DeliveryQueue.Truncate(lost.Key.Error!),
                    now,
                }
            );
        }

        return changes.Select(_ => true).ToList();
    }

    public void Dispose() => _changes.Dispose();
}
