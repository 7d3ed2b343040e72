using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Server.Database;
using Relay.Server.Outbox;

namespace Relay.Server.Delivery;

/// <summary>
/// Which server instance delivers to which client. A lease is a pair of columns on the client row
/// (owner, expiry by MySQL's clock), taken and renewed with single UPDATE statements, so two
/// instances can never hold one client at once and a dead instance's clients are free again once
/// its leases expire. Instances share the clients evenly, counted from their heartbeats. One
/// renewal is a fixed handful of statements whatever the number of clients, and its last one also
/// says which of them have messages waiting: the only look at the queues an idle instance makes.
/// </summary>
internal sealed class ClientLeases(MySqlDataSource db, IOptions<DeliveryOptions> options)
{
    public string InstanceId { get; } =
        options.Value.InstanceId
        ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    private long LeaseMicroseconds => (long)options.Value.LeaseDuration.TotalMicroseconds;

    /// <summary>Renews this instance's leases, takes free ones up to its fair share, and says what it holds and where
    /// work waits.</summary>
    public async Task<LeaseSnapshot> RenewAndAcquireAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var args = new { me = InstanceId, lease = LeaseMicroseconds };
        await connection.ExecuteEachAsync(
            args,
            null,
            ct,
            "INSERT INTO server_instances (id, heartbeat_at) VALUES (@me, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE heartbeat_at = UTC_TIMESTAMP(6)",
            "UPDATE clients SET lease_expires_at = UTC_TIMESTAMP(6) + INTERVAL @lease MICROSECOND WHERE lease_owner = @me"
        );

        var (clients, instances) = await connection.QuerySingleAsync<(long, long)>(
            new CommandDefinition(
                """
                SELECT (SELECT COUNT(*) FROM clients),
                       (SELECT COUNT(*) FROM server_instances WHERE heartbeat_at > UTC_TIMESTAMP(6) - INTERVAL @lease MICROSECOND)
                """,
                args,
                cancellationToken: ct
            )
        );
        var fairShare = (int)Math.Ceiling(clients / (double)Math.Max(1, instances));

        var owned = await OwnedAsync(connection, ct);
        if (owned.Count < fairShare)
        {
            var taken = await connection.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE clients SET lease_owner = @me, lease_expires_at = UTC_TIMESTAMP(6) + INTERVAL @lease MICROSECOND
                    WHERE lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at < UTC_TIMESTAMP(6)
                    ORDER BY id
                    LIMIT @take
                    """,
                    new
                    {
                        args.me,
                        args.lease,
                        take = fairShare - owned.Count,
                    },
                    cancellationToken: ct
                )
            );
            if (taken > 0)
            {
                owned = await OwnedAsync(connection, ct);
            }
        }

        return new LeaseSnapshot(
            owned.Select(o => o.Id).ToList(),
            owned.Where(o => o.Pending).Select(o => o.Id).ToHashSet(),
            fairShare,
            owned.ToDictionary(o => o.Id, o => (o.Host, o.Port))
        );
    }

    /// <summary>Gives clients back (their workers must already be stopped) so another instance can take them at
    /// once.</summary>
    public async Task ReleaseAsync(IEnumerable<long> clientIds, CancellationToken ct)
    {
        var ids = clientIds.ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(
            new CommandDefinition(
                "UPDATE clients SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = @me AND id IN @ids",
                new { me = InstanceId, ids },
                cancellationToken: ct
            )
        );
    }

    /// <summary>On a clean stop: give every client back and leave the count of live instances.</summary>
    public async Task ReleaseAllAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteEachAsync(
            new { me = InstanceId },
            null,
            ct,
            "UPDATE clients SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = @me",
            "DELETE FROM server_instances WHERE id = @me"
        );
    }

    private async Task<List<(long Id, bool Pending, string Host, int Port)>> OwnedAsync(
        MySqlConnection connection,
        CancellationToken ct
    ) =>
        (
            await connection.QueryAsync<(long, bool, string, int)>(
                new CommandDefinition(
                    $"""
                    SELECT c.id, {ClientQueue.HasPending}, c.host, c.port
                    FROM clients c WHERE c.lease_owner = @me ORDER BY c.id
                    """,
                    new { me = InstanceId },
                    cancellationToken: ct
                )
            )
        ).AsList();
}

/// <summary>The clients this instance holds, those of them with messages waiting, how many it should hold with the
/// instances alive now, and where they listen.</summary>
internal sealed record LeaseSnapshot(
    IReadOnlyList<long> Owned,
    IReadOnlySet<long> WithPending,
    int FairShare,
    IReadOnlyDictionary<long, (string Host, int Port)> Addresses
);
