using MySqlConnector;
using Polly;
using Polly.Retry;

namespace Relay.Server.Database;

/// <summary>
/// A transaction the database rolled back whole is run again whole: InnoDB's deadlock victim or
/// timed-out lock wait, and on a cluster a certification conflict, which Galera reports as a
/// deadlock (1213) at any statement or at <c>COMMIT</c>, and Group Replication as 3101. A Polly
/// pipeline like every other retry: its jittered pauses grow a little and then stay short, because
/// a transaction loses to another node's commit that lands while it holds the message counter,
/// and under a steady stream from that node more attempts, not longer pauses, are what win; they
/// run on the injected clock and end with the caller's cancellation.
/// When the attempts run out the caller gets a 503 that says "busy, retry", never "outcome unknown":
/// the engine guarantees the rollback.
/// </summary>
internal sealed class Transactions(TimeProvider time)
{
    private readonly ResiliencePipeline _deadlocks = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(
            new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<MySqlException>(MySqlFaults.IsRolledBack),
                MaxRetryAttempts = 30,
                Delay = TimeSpan.FromMilliseconds(10),
                MaxDelay = TimeSpan.FromMilliseconds(250),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            }
        )
        .Build();

    /// <summary>Runs <paramref name="transaction"/>, again while the database rolls it back (at most 31 times in all,
    /// some seven seconds at worst).</summary>
    public async Task<T> RetryDeadlocksAsync<T>(Func<Task<T>> transaction, CancellationToken ct) =>
        await _deadlocks.ExecuteAsync(static async (run, _) => await run(), transaction, ct);

    /// <inheritdoc cref="RetryDeadlocksAsync{T}(Func{Task{T}}, CancellationToken)"/>
    public async Task RetryDeadlocksAsync(Func<Task> transaction, CancellationToken ct) =>
        await _deadlocks.ExecuteAsync(static async (run, _) => await run(), transaction, ct);
}
