using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;
using Relay.Server.Database;

namespace Relay.Server.Database;

/// <summary>
/// Ready means MySQL answers, takes writes (not read-only; on Galera, a node of the primary
/// component), and the schema is at the version this build expects.
/// </summary>
internal sealed class MySqlReadyCheck(MySqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);

            // MariaDB has the wsrep variables even when it runs alone (wsrep_on OFF, wsrep_ready OFF);
            // MySQL has neither, and the queries answer no row.
            var galera =
                (
                    await connection.QueryAsync<(string Name, string Value)>(
                        new CommandDefinition("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'", cancellationToken: ct)
                    )
                ).AsList()
                is [{ Value: "ON" }];
            var ready =
                !galera
                || (
                    await connection.QueryAsync<(string Name, string Value)>(
                        new CommandDefinition("SHOW GLOBAL STATUS LIKE 'wsrep_ready'", cancellationToken: ct)
                    )
                ).AsList()
                    is [{ Value: "ON" }];
            if (!ready)
            {
                return HealthCheckResult.Unhealthy(
                    "The database node is not ready for writes: it is not part of the Galera cluster's primary component (wsrep_ready is OFF)."
                );
            }

            if (
                await connection.ExecuteScalarAsync<int>(
                    new CommandDefinition("SELECT @@global.read_only", cancellationToken: ct)
                ) != 0
            )
            {
                return HealthCheckResult.Unhealthy(
                    "The database is read-only (read_only is on: a replica, or a Group Replication secondary)."
                );
            }

            var version = await connection.ExecuteScalarAsync<int?>(
                new CommandDefinition("SELECT MAX(version) FROM schema_version", cancellationToken: ct)
            );
            return version == Migrations.Latest
                ? HealthCheckResult.Healthy($"MySQL answers and takes writes; schema version {version}.")
                : HealthCheckResult.Unhealthy(
                    $"Schema version is {version?.ToString() ?? "none"}, expected {Migrations.Latest}."
                );
        }
        catch (Exception e) when (e is MySqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("MySQL does not answer.", e);
        }
    }
}
