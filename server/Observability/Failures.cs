using System.Data.Common;
using System.Net.Sockets;
using System.Security.Authentication;
using Polly;
using Relay.Contracts.Protocol;

namespace Relay.Server.Observability;

/// <summary>
/// Which failures are the world's and which are ours. A client that cannot be reached or MySQL
/// being away is logged as one line each time (its message says what happened); anything else is
/// a bug, logged with its stack trace so that a failing background loop is more than a repeating
/// line.
/// </summary>
internal static class Failures
{
    /// <summary>A failure a network or a client causes: the attempt is worth trying again.</summary>
    public static bool IsTransport(Exception e) =>
        e
            is IOException
                or SocketException
                or TimeoutException
                or AuthenticationException
                or ProtocolException
                or ITransportFailure;

    /// <summary>A failure of something outside the server: a client, the network, MySQL, or Polly holding attempts back
    /// because of them.</summary>
    public static bool IsExpected(Exception e) =>
        IsTransport(e) || e is IExpectedFailure or DbException or ExecutionRejectedException;

    /// <summary>The exception to log with its stack trace, or null when its message says all.</summary>
    public static Exception? ToTrace(Exception e) => IsExpected(e) ? null : e;
}

/// <summary>An exception of ours that says the world failed, not the code: logged as one line, without a stack
/// trace.</summary>
internal interface IExpectedFailure;

/// <summary>An expected failure of the link to a client: the attempt is worth trying again.</summary>
internal interface ITransportFailure : IExpectedFailure;
