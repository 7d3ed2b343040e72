using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Polly;
using Polly.Retry;
using Relay.Server.Credentials;

namespace Relay.Server.Database;

/// <summary>
/// Brings the MySQL schema to the latest version before the API and the sender start, then seeds
/// an empty database. Waits for MySQL with backoff, as it may still be starting (compose, CI).
/// </summary>
internal sealed partial class SchemaMigrator(
    MySqlDataSource dataSource,
    IOptions<SeedOptions> seed,
    ClientCredentials credentials,
    TimeProvider time,
    ILogger<SchemaMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var waitForMySql = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(MySqlFaults.IsUnavailable),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    LogWaiting(logger, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        await waitForMySql.ExecuteAsync(async token => await MigrateAsync(token), ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        // Several server instances may start together, on different nodes of a cluster, where
        // GET_LOCK locks one node only: they take turns through a row that the cluster certifies.
        await using var turn = await SchemaLock.TakeAsync(connection, time, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version INT NOT NULL PRIMARY KEY,
                description VARCHAR(200) NOT NULL,
                applied_at DATETIME(6) NOT NULL
            ) ENGINE=InnoDB
            """, cancellationToken: ct));
        var current = await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT MAX(version) FROM schema_version", cancellationToken: ct)) ?? 0;

        foreach (var (version, description, steps) in Migrations.All.Where(m => m.Version > current))
        {
            foreach (var step in steps)
            {
                await turn.KeepAsync(ct);
                if (step.OnlyIfMissing is { } thing && await ExistsAsync(connection, thing, ct))
                {
                    continue;
                }

                await connection.ExecuteAsync(new CommandDefinition(step.Sql, cancellationToken: ct));
            }

            // IGNORE: an instance that found the lock expired under a slow migration may have done the same step.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT IGNORE INTO schema_version (version, description, applied_at) VALUES (@version, @description, @now)",
                new { version, description, now = time.GetUtcNow().UtcDateTime }, cancellationToken: ct));
            LogMigrated(logger, version, description);
        }

        await SeedAsync(connection, ct);
    }

    private static async Task<bool> ExistsAsync(MySqlConnection connection, string thing, CancellationToken ct)
    {
        var (sql, name) = thing.Split(':') switch
        {
            ["index", var index] => ("SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = @table AND index_name = @name", index),
            ["constraint", var constraint] => ("SELECT COUNT(*) FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND table_name = @table AND constraint_name = @name", constraint),
            [var column] => ("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table AND column_name = @name", column),
            _ => throw new ArgumentException($"Not a table's column, index or constraint: {thing}", nameof(thing)),
        };
        var parts = name.Split('.');
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { table = parts[0], name = parts[1] }, cancellationToken: ct)) > 0;
    }

    private async Task SeedAsync(MySqlConnection connection, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var options = seed.Value;
        if (options.Clients.Count > 0 && await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM clients", cancellationToken: ct)) == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO clients (name, host, port, created_at) VALUES (@Name, @Host, @Port, @now)",
                options.Clients.Select(c => new { c.Name, c.Host, c.Port, now }), cancellationToken: ct));
            LogSeeded(logger, options.Clients.Count, "clients");
        }

        if (options.Personnel.Count > 0 && await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM personnel", cancellationToken: ct)) == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO personnel (name, surname, ssn, updated_at) VALUES (@Name, @Surname, @Ssn, @now)",
                options.Personnel.Select(p => new { p.Name, p.Surname, p.Ssn, now }), cancellationToken: ct));
            LogSeeded(logger, options.Personnel.Count, "personnel");
        }

        foreach (var client in options.Clients.Where(c => !string.IsNullOrEmpty(c.CredentialFile)))
        {
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT id FROM clients WHERE host = @Host AND port = @Port", new { client.Host, client.Port }, cancellationToken: ct));
            if (id is { } clientId && await credentials.CurrentAsync(clientId, ct) is { } credential
                && await CredentialFiles.WriteAsync(client.CredentialFile!, credential, ct))
            {
                LogCredentialWritten(logger, clientId, client.CredentialFile!);
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "MySQL is not reachable yet (attempt {Attempt}); retrying in {DelaySeconds:0.0} s: {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, double delaySeconds, string? reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Schema migrated to version {Version}: {Description}")]
    private static partial void LogMigrated(ILogger logger, int version, string description);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Seeded {Count} {Table} into an empty database")]
    private static partial void LogSeeded(ILogger logger, int count, string table);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Wrote client {ClientId}'s link credential to {Path}")]
    private static partial void LogCredentialWritten(ILogger logger, long clientId, string path);
}
