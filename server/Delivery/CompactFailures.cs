using System.Net.Sockets;
using Polly;
using Relay.Contracts.Protocol;
using Relay.Server.Observability;

namespace Relay.Server.Delivery;

/// <summary>
/// Hands the circuit breaker a failed attempt's message without its stack trace. The breaker
/// keeps each client's last failure until its circuit next closes, and an exception that crossed
/// the async calls of an exchange carries its stack as a string of kilobytes, which adds up over a
/// fleet that timed out once (docs/performance.md). Only
/// the failures a network or a client causes are shortened; anything else keeps its stack, to be
/// logged as the bug it is.
/// </summary>
internal sealed class CompactFailures : ResilienceStrategy<IReadOnlyList<Frame>>
{
    protected override async ValueTask<Outcome<IReadOnlyList<Frame>>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<IReadOnlyList<Frame>>>> callback,
        ResilienceContext context,
        TState state
    )
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        return outcome.Exception is { } e && Failures.IsTransport(e)
            ? Outcome.FromException<IReadOnlyList<Frame>>(
                new DeliveryAttemptException(e.Message, Unreachable: e is SocketException)
            )
            : outcome;
    }

    /// <summary>Polly asks for options with every strategy; this one has none.</summary>
    public sealed class Options : ResilienceStrategyOptions;
}

/// <summary>A delivery attempt failed for a reason outside the server (the client or the network); the message says
/// which.</summary>
/// <param name="Unreachable">Nothing answered: the connection itself failed (refused, no route). Such failures do not
/// open the client's circuit: the link watch paces the reconnections, and resumes delivery as soon as the client
/// answers, which an open circuit would hold back for its whole break.</param>
internal sealed class DeliveryAttemptException(string message, bool Unreachable = false)
    : Exception(message),
        IExpectedFailure
{
    public bool Unreachable { get; } = Unreachable;
}
