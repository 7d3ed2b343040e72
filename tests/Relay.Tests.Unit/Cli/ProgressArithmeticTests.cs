using Microsoft.Extensions.Time.Testing;
using Relay.Cli.Operations;
using Relay.Cli.Terminal;

namespace Relay.Tests.Unit.Cli;

/// <summary>The <c>relay</c> command's durations as people write them, and the pace and time left its progress
/// shows.</summary>
public sealed class ProgressArithmeticTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    [InlineData("00:01:30", 90)]
    public void DurationsAreReadInSecondsMinutesHoursOrClockForm(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("-5s")]
    [InlineData("1e9s")]
    public void ADurationThatIsNotOneIsRefused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void ThePaceIsTheLastTenSecondsAndTheTimeLeftFollowsIt()
    {
        var time = new FakeTimeProvider();
        var meter = new RateMeter(time);
        meter.Add(0);
        Assert.Null(meter.Left(1000));

        time.Advance(TimeSpan.FromSeconds(5));
        meter.Add(500);
        Assert.Equal(100, meter.PerSecond, precision: 6);
        Assert.Equal(TimeSpan.FromSeconds(10), meter.Left(1000));

        // After a stall only the last ten seconds count: 100 messages in the 5 s since the stall's last read.
        time.Advance(TimeSpan.FromSeconds(10));
        meter.Add(500);
        Assert.Equal(0, meter.PerSecond);
        time.Advance(TimeSpan.FromSeconds(5));
        meter.Add(600);
        Assert.Equal(20, meter.PerSecond, precision: 6);
        Assert.Equal(TimeSpan.FromSeconds(50), meter.Left(1000));
    }
}
