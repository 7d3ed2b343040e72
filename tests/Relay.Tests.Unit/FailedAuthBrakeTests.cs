using System.Net;
using Microsoft.Extensions.Time.Testing;
using Relay.Hosting.Auth;

namespace Relay.Tests.Unit;

public sealed class FailedAuthBrakeTests
{
    private static readonly IPAddress Guesser = IPAddress.Parse("203.0.113.7");

    [Fact]
    public void AnAddressIsBrakedAfterItsFailuresAndTheWaitCountsDownToTheEndOfItsWindow()
    {
        var time = new FakeTimeProvider();
        using var brake = new FailedAuthBrake(3, TimeSpan.FromSeconds(60), time);

        for (var i = 0; i < 3; i++)
        {
            Assert.False(brake.IsBraked(Guesser, out _));
            brake.RecordFailure(Guesser);
        }

        Assert.True(brake.IsBraked(Guesser, out var first));
        Assert.Equal(TimeSpan.FromSeconds(60), first);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(brake.IsBraked(Guesser, out var later));
        Assert.Equal(TimeSpan.FromSeconds(40), later);
        Assert.False(brake.IsBraked(IPAddress.Parse("203.0.113.8"), out _));

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.False(brake.IsBraked(Guesser, out _));
        brake.RecordFailure(Guesser);
        Assert.False(brake.IsBraked(Guesser, out _));
    }

    [Fact]
    public void AnIpv6HolderIsCountedByItsSlash64()
    {
        using var brake = new FailedAuthBrake(2, TimeSpan.FromSeconds(60), new FakeTimeProvider());

        brake.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"));
        brake.RecordFailure(IPAddress.Parse("2001:db8:1:2::2"));

        Assert.True(brake.IsBraked(IPAddress.Parse("2001:db8:1:2::ffff"), out _));
        Assert.False(brake.IsBraked(IPAddress.Parse("2001:db8:1:3::1"), out _));
    }
}
