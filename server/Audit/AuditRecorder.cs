using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Relay.Server.Audit;

/// <summary>
/// Writes audit records, within a budget per caller: a flood of refused calls or of reads degrades
/// to one summary row per caller every few seconds ("412 calls not recorded, from … to …") instead
/// of filling the table and the connection pool. Changes that were made are always recorded: each
/// already cost a transaction, and they are what the log is for.
/// </summary>
internal sealed partial class AuditRecorder(
    MySqlDataSource db,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditRecorder> logger
) : BackgroundService
{
    private static readonly TimeSpan SummaryEvery = TimeSpan.FromSeconds(5);

    private readonly PartitionedRateLimiter<string> budget = PartitionedRateLimiter.Create<string, string>(caller =>
        RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.RowsAtOnce,
            TokensPerPeriod = options.Value.RowsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        })
    );

    private readonly ConcurrentDictionary<string, Suppressed> suppressed = new();

    public async Task RecordAsync(AuditCall call)
    {
        var changed = call.Method is not ("GET" or "HEAD" or "OPTIONS") && call.Status is >= 200 and < 400;
        if (!changed)
        {
            using var lease = budget.AttemptAcquire(call.Caller);
            if (!lease.IsAcquired)
            {
                suppressed.AddOrUpdate(
                    call.Caller,
                    _ => new Suppressed(call, 1, call.At, call.At),
                    (_, s) => s with { Count = s.Count + 1, Last = call.At }
                );
                return;
            }
        }

        await WriteAsync(call, null);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SummaryEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await WriteSummariesAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await WriteSummariesAsync();
        }
    }

    /// <summary>One row per caller whose records were held back since the last summary.</summary>
    public async Task WriteSummariesAsync()
    {
        foreach (var caller in suppressed.Keys)
        {
            if (suppressed.TryRemove(caller, out var held))
            {
                await WriteAsync(
                    held.Sample with
                    {
                        At = time.GetUtcNow().UtcDateTime,
                        Method = "*",
                        Route = "*",
                        Target = $"not recorded from {held.First:O} to {held.Last:O}",
                        Status = 0,
                        RowsRead = null,
                    },
                    held.Count
                );
            }
        }
    }

    private async Task WriteAsync(AuditCall call, int? suppressedCalls)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO audit_log (at, key_name, role, method, route, target, status, remote, rows_read, suppressed)
                    VALUES (@At, @KeyName, @Role, @Method, @Route, @Target, @Status, @Remote, @RowsRead, @suppressedCalls)
                    """,
                    new
                    {
                        call.At,
                        call.KeyName,
                        call.Role,
                        call.Method,
                        Route = Truncate(call.Route, 200),
                        Target = Truncate(call.Target, 400),
                        call.Status,
                        call.Remote,
                        call.RowsRead,
                        suppressedCalls,
                    }
                )
            );
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or TimeoutException)
        {
            // The call itself is done and answered; losing its record must be seen.
            LogNotRecorded(logger, e, call.Method, call.Route, call.Status);
        }
    }

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length];

    public override void Dispose()
    {
        budget.Dispose();
        base.Dispose();
    }

    private sealed record Suppressed(AuditCall Sample, int Count, DateTime First, DateTime Last);

    [LoggerMessage(
        EventId = 1201,
        Level = LogLevel.Error,
        Message = "The audit record of {Method} {Route} (answered {Status}) could not be written"
    )]
    private static partial void LogNotRecorded(
        ILogger logger,
        Exception exception,
        string method,
        string route,
        int status
    );
}
