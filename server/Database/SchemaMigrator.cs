using Dapper;
using MySqlConnector;
using Polly;
using Polly.Retry;

namespace Relay.Server.Database;

/// <summary>
/// Brings the MySQL schema to the latest version before the API and the sender start, then runs
/// the seeds (<see cref="IDatabaseSeed"/>). Waits for MySQL with backoff, as it may still be starting (compose, CI).
/// </summary>
internal sealed partial class SchemaMigrator(
    MySqlDataSource dataSource,
    IEnumerable<IDatabaseSeed> seeds,
    TimeProvider time,
    ILogger<SchemaMigrator> logger
) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var waitForMySql = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(
                new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(MySqlFaults.IsUnavailable),
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(5),
                    OnRetry = args =>
                    {
                        LogWaiting(
                            logger,
                            args.AttemptNumber + 1,
                            args.RetryDelay.TotalSeconds,
                            args.Outcome.Exception?.Message
                        );
                        return ValueTask.CompletedTask;
                    },
                }
            )
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
        await connection.ExecuteAsync(
            new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version INT NOT NULL PRIMARY KEY,
                    description VARCHAR(200) NOT NULL,
                    applied_at DATETIME(6) NOT NULL
                ) ENGINE=InnoDB
                """,
                cancellationToken: ct
            )
        );
        var current = await connection.ExecuteScalarAsync<int?>(
            new CommandDefinition("SELECT MAX(version) FROM schema_version", cancellationToken: ct)
        ) ?? 0;

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
            await connection.ExecuteAsync(
                new CommandDefinition(
                    "INSERT IGNORE INTO schema_version (version, description, applied_at) VALUES (@version, @description, @now)",
                    new
                    {
                        version,
                        description,
                        now = time.GetUtcNow().UtcDateTime,
                    },
                    cancellationToken: ct
                )
            );
            LogMigrated(logger, version, description);
        }

        foreach (var seed in seeds)
        {
            await seed.SeedAsync(connection, ct);
        }
    }

    private static async Task<bool> ExistsAsync(MySqlConnection connection, string thing, CancellationToken ct)
    {
        var (sql, name) = thing.Split(':') switch
        {
            ["index", var index] => (
                "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = @table AND index_name = @name",
                index
            ),
            ["constraint", var constraint] => (
                "SELECT COUNT(*) FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND table_name = @table AND constraint_name = @name",
                constraint
            ),
            [var column] => (
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table AND column_name = @name",
                column
            ),
            _ => throw new ArgumentException($"Not a table's column, index or constraint: {thing}", nameof(thing)),
        };
        var parts = name.Split('.');
        return await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(sql, new { table = parts[0], name = parts[1] }, cancellationToken: ct)
            ) > 0;
    }

    [LoggerMessage(
        EventId = 2001,
        Level = LogLevel.Warning,
        Message = "MySQL is not reachable yet (attempt {Attempt}); retrying in {DelaySeconds:0.0} s: {Reason}"
    )]
    private static partial void LogWaiting(ILogger logger, int attempt, double delaySeconds, string? reason);

    [LoggerMessage(
        EventId = 2002,
        Level = LogLevel.Information,
        Message = "Schema migrated to version {Version}: {Description}"
    )]
    private static partial void LogMigrated(ILogger logger, int version, string description);
}
