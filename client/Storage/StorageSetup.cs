using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relay.Client.Storage;

internal static class StorageSetup
{
    public static void AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PersonnelStore>();
        builder.Services.AddSingleton<StorageStatus>();
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHostedService<ExpiredPersonnelPurge>();
        builder.Services.AddHealthChecks().AddCheck<SqliteHealthCheck>("sqlite");
    }
}

/// <summary>Creates the SQLite schema before the listener accepts anything; a bad path stops start-up.</summary>
internal sealed class StorageInitializer(PersonnelStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await store.InitializeAsync(ct);
        }
        catch (Exception e)
            when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Client:DatabasePath '{store.DatabasePath}' cannot be opened as a SQLite file: {e.Message}",
                e
            );
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Unhealthy while the last message could not be written, or when a write transaction cannot be
/// opened.</summary>
internal sealed class SqliteHealthCheck(PersonnelStore store, StorageStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (status.Fault is { } fault)
        {
            return HealthCheckResult.Unhealthy(
                $"The last message could not be written to SQLite ({fault}); the sender retries it, and this clears once one is applied."
            );
        }

        try
        {
            await store.IsWritableAsync(ct);
            return HealthCheckResult.Healthy("SQLite is writable.");
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return HealthCheckResult.Unhealthy($"SQLite is not writable: {e.Message}");
        }
    }
}
