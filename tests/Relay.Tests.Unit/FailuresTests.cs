using System.Net.Sockets;
using MySqlConnector;
using Polly.CircuitBreaker;
using Relay.Contracts.Protocol;
using Relay.Server.Observability;

namespace Relay.Tests.Unit;

/// <summary>What a background loop logs as one line, and what with its stack trace.</summary>
public sealed class FailuresTests
{
    public static TheoryData<Exception> TheWorlds() =>
        [
            new IOException("connection reset"),
            new SocketException((int)SocketError.ConnectionRefused),
            new TimeoutException("no progress"),
            new ProtocolException(ProtocolError.TooLarge, "frame larger than 16 bytes"),
            new BrokenCircuitException("open"),
        ];

    public static TheoryData<Exception> Bugs() =>
        [
            new InvalidOperationException("Sequence contains no elements"),
            new NullReferenceException(),
            new KeyNotFoundException(),
            new ArgumentOutOfRangeException("kind"),
        ];

    [Theory]
    [MemberData(nameof(TheWorlds))]
    public void AClientOrMySqlBeingAwayIsLoggedWithoutItsStack(Exception failure)
    {
        Assert.Null(Failures.ToTrace(failure));
    }

    [Fact]
    public async Task MySqlBeingAwayIsLoggedWithoutItsStack()
    {
        // Nothing listens on port 1: MySqlConnector's own failure, as a loop sees it when MySQL is down.
        await using var connection = new MySqlConnection("Server=127.0.0.1;Port=1;Connection Timeout=2;Pooling=false");
        var failure = await Assert.ThrowsAsync<MySqlException>(() => connection.OpenAsync());

        Assert.Null(Failures.ToTrace(failure));
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void AnythingElseIsLoggedWithItsStack(Exception failure)
    {
        Assert.Same(failure, Failures.ToTrace(failure));
    }
}
