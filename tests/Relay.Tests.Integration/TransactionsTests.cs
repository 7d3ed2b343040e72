using Dapper;
using Microsoft.Extensions.Time.Testing;
using Relay.Server.Database;
using Relay.Server.Outbox;

namespace Relay.Tests.Integration;

/// <summary>The retry of transactions InnoDB rolls back, against a real lock held by another connection.</summary>
public sealed class TransactionsTests : AppTest
{
    [Fact]
    public async Task ATransactionWhoseLockWaitTimesOutRunsAgainAndCommitsOnce()
    {
        await using var holder = await LockProbeRowHeldAsync();
        var attempts = 0;

        var run = new Transactions(TimeProvider.System).RetryDeadlocksAsync(
            () => AddTenAsync(() => Interlocked.Increment(ref attempts)),
            CancellationToken.None
        );

        // The first attempt waits out its lock (1 s) and is rolled back; the second finds the lock let go.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Volatile.Read(ref attempts)),
            a => a >= 2,
            because: "a second attempt after the lock wait timed out"
        );
        await holder.Transaction.CommitAsync();
        await run;

        Assert.Equal(2, attempts);
        Assert.Equal(11, await holder.Connection.ExecuteScalarAsync<int>("SELECT n FROM lock_probe WHERE id = 1"));
    }

    [Fact]
    public async Task ThePauseBeforeRunningAgainIsOnTheInjectedClockAndEndsWithCancellation()
    {
        await using var holder = await LockProbeRowHeldAsync();
        var clock = new FakeTimeProvider();
        using var cancel = new CancellationTokenSource();
        var attempts = 0;
        var ended = 0;

        var run = new Transactions(clock).RetryDeadlocksAsync(
            async () =>
            {
                Interlocked.Increment(ref attempts);
                try
                {
                    await AddTenAsync(() => 0);
                }
                finally
                {
                    Interlocked.Increment(ref ended);
                }
            },
            cancel.Token
        );
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Volatile.Read(ref ended)),
            e => e == 1,
            because: "the first attempt's lock wait timed out"
        );

        // The clock does not move: no second attempt however long real time goes on.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, attempts);
        Assert.False(run.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, attempts);
    }

    /// <summary>A row of a table of the test's own, locked by an open transaction on another connection.</summary>
    private async Task<HeldLock> LockProbeRowHeldAsync()
    {
        var connection = await App.OpenDatabaseAsync();
        await connection.ExecuteAsync(
            "CREATE TABLE lock_probe (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO lock_probe VALUES (1, 1)"
        );
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT n FROM lock_probe WHERE id = 1 FOR UPDATE", transaction: transaction);
        return new HeldLock(connection, transaction);
    }

    private async Task AddTenAsync(Func<int> attempted)
    {
        attempted();
        await using var connection = await App.OpenDatabaseAsync();
        await connection.ExecuteAsync("SET SESSION innodb_lock_wait_timeout = 1");
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("UPDATE lock_probe SET n = n + 10 WHERE id = 1", transaction: tx);
        await tx.CommitAsync();
    }

    private sealed record HeldLock(
        MySqlConnector.MySqlConnection Connection,
        MySqlConnector.MySqlTransaction Transaction
    ) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
