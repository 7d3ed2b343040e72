using Microsoft.Extensions.Time.Testing;
using Relay.Server.Outbox;

namespace Relay.Tests.Unit;

public sealed class WakeTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_wait_that_times_out_answers_false_without_an_exception_and_only_once_its_time_passed()
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
    public async Task Wakes_before_the_wait_collapse_into_one()
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
    public async Task A_wake_during_the_wait_ends_it_and_a_wake_after_it_is_kept_for_the_next()
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
    public async Task Many_timed_out_waits_leave_the_next_wake_working()
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
    public async Task A_stop_ends_the_wait_with_a_cancellation()
    {
        var wake = new Wake();
        using var stop = new CancellationTokenSource();

        var waiting = wake.WaitAsync(Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
