using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;
using Relay.Server.Database;

namespace Relay.Server.Observability;

/// <summary>Ready means MySQL answers and the schema is at the version this build expects.</summary>
internal sealed class MySqlReadyCheck(MySqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var version = await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT MAX(version) FROM schema_version", cancellationToken: ct));
            return version == Migrations.Latest
                ? HealthCheckResult.Healthy($"MySQL answers; schema version {version}.")
                : HealthCheckResult.Unhealthy($"Schema version is {version?.ToString() ?? "none"}, expected {Migrations.Latest}.");
        }
        catch (Exception e) when (e is MySqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("MySQL does not answer.", e);
        }
    }
}
