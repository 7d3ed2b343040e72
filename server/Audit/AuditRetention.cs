using MySqlConnector;
using Relay.Server.Outbox;

namespace Relay.Server.Audit;

/// <summary>Audit rows are kept as long as delivered messages.</summary>
internal sealed class AuditRetention : IRetentionJob
{
    public Task SweepAsync(MySqlConnection connection, DateTime now, DateTime before, CancellationToken ct) =>
        RetentionSlices.DeleteAsync(connection, "DELETE FROM audit_log WHERE at < @before LIMIT 10000", before, ct);
}
