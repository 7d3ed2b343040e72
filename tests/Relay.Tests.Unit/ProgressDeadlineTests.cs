using Microsoft.Extensions.Time.Testing;
using Relay.Server.Delivery;

namespace Relay.Tests.Unit;

/// <summary>An attempt's deadline runs on the injected clock and moves with each bit of progress.</summary>
public sealed class ProgressDeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void WithoutProgressTheAttemptStallsWhenTheTimeoutHasPassedAndNotBefore()
    {
        using var deadline = new ProgressDeadline(Timeout, _time, CancellationToken.None);

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(deadline.Token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.Stalled);
        Assert.Contains("no progress for 30 s", deadline.Error().Message);
    }

    [Fact]
    public void ProgressGivesTheAttemptTheWholeTimeoutAgain()
    {
        using var deadline = new ProgressDeadline(Timeout, _time, CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Timeout * 0.9);
            deadline.Progressed();
        }

        Assert.False(deadline.Token.IsCancellationRequested);
        _time.Advance(Timeout);
        Assert.True(deadline.Stalled);
    }

    [Fact]
    public void AWorkerThatStopsEndsTheAttemptWithoutCallingItAStall()
    {
        using var stopping = new CancellationTokenSource();
        using var deadline = new ProgressDeadline(Timeout, _time, stopping.Token);

        stopping.Cancel();

        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.Stalled);
    }
}
