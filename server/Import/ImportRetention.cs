using MySqlConnector;
using Relay.Server.Outbox;

namespace Relay.Server.Import;

/// <summary>An import stages its rows for as long as its upload takes; a day is far longer than any, so older staging
/// was abandoned.</summary>
internal sealed class ImportRetention : IRetentionJob
{
    public Task SweepAsync(MySqlConnection connection, DateTime now, DateTime before, CancellationToken ct) =>
        ImportStaging.SweepAbandonedAsync(connection, now - TimeSpan.FromDays(1), ct);
}
