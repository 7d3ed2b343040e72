using MySqlConnector;
using Polly;
using Polly.Retry;

namespace Relay.Server.Outbox;

/// <summary>
/// InnoDB may pick a transaction as a deadlock victim (or time out its lock wait) under
/// concurrent load; the transaction was rolled back whole, so running it again is safe. A Polly
/// pipeline like every other retry: its short, jittered pauses run on the injected clock and end
/// with the caller's cancellation.
/// </summary>
internal sealed class Transactions(TimeProvider time)
{
    private readonly ResiliencePipeline _deadlocks = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<MySqlException>(IsRollback),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(10),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    /// <summary>InnoDB rolled the transaction back whole: a deadlock victim, or a lock wait that timed out.</summary>
    public static bool IsRollback(MySqlException e) => e.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout;

    /// <summary>Runs <paramref name="transaction"/>, again while InnoDB rolls it back (at most four times in all).</summary>
    public async Task<T> RetryDeadlocksAsync<T>(Func<Task<T>> transaction, CancellationToken ct) =>
        await _deadlocks.ExecuteAsync(static async (run, _) => await run(), transaction, ct);

    /// <inheritdoc cref="RetryDeadlocksAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public async Task RetryDeadlocksAsync(Func<Task> transaction, CancellationToken ct) =>
        await _deadlocks.ExecuteAsync(static async (run, _) => await run(), transaction, ct);
}
