using MySqlConnector;
using Relay.Server.Outbox;

namespace Relay.Server.Verification;

/// <summary>Judged verifications are kept as long as delivered messages.</summary>
internal sealed class VerificationRetention : IRetentionJob
{
    public Task SweepAsync(MySqlConnection connection, DateTime now, DateTime before, CancellationToken ct) =>
        RetentionSlices.DeleteAsync(
            connection,
            "DELETE FROM verifications WHERE judged_at < @before LIMIT 10000",
            before,
            ct
        );
}
