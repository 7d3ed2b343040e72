using Microsoft.Extensions.Time.Testing;
using Relay.Server.Outbox;

namespace Relay.Tests.Unit;

public sealed class WakeTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AWaitThatTimesOutAnswersFalseWithoutAnExceptionAndOnlyOnceItsTimePassed()
    {
        var time = new FakeTimeProvider();
        var wake = new Wake();

        var waiting = wake.WaitAsync(Interval, time, default);
        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await waiting);
    }

    [Fact]
    public async Task WakesBeforeTheWaitCollapseIntoOne()
    {
        var time = new FakeTimeProvider();
        var wake = new Wake();
        wake.Set();
        wake.Set();

        Assert.True(await wake.WaitAsync(Interval, time, default));
        var next = wake.WaitAsync(Interval, time, default);
        time.Advance(Interval);
        Assert.False(await next);
    }

    [Fact]
    public async Task AWakeDuringTheWaitEndsItAndAWakeAfterItIsKeptForTheNext()
    {
        var time = new FakeTimeProvider();
        var wake = new Wake();

        var waiting = wake.WaitAsync(Timeout.InfiniteTimeSpan, time, default);
        wake.Set();
        Assert.True(await waiting);

        wake.Set();
        Assert.True(await wake.WaitAsync(Interval, time, default));
    }

    [Fact]
    public async Task ManyTimedOutWaitsLeaveTheNextWakeWorking()
    {
        var time = new FakeTimeProvider();
        var wake = new Wake();
        for (var i = 0; i < 1000; i++)
        {
            var waiting = wake.WaitAsync(Interval, time, default);
            time.Advance(Interval);
            Assert.False(await waiting);
        }

        var last = wake.WaitAsync(Interval, time, default);
        wake.Set();
        Assert.True(await last);
    }

    [Fact]
    public async Task AStopEndsTheWaitWithACancellation()
    {
        var wake = new Wake();
        using var stop = new CancellationTokenSource();

        var waiting = wake.WaitAsync(Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
