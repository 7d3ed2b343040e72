using Relay.Server.Observability;

namespace Relay.Server.Delivery;

/// <summary>The client answered with a NACK that allows a retry; thrown so the retry strategy sees it.</summary>
internal sealed class TransientRefusalException(string reason)
    : Exception($"The client refused the message for now: {reason}"),
        ITransportFailure;
