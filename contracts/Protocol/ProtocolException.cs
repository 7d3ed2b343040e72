namespace Relay.Contracts.Protocol;

/// <summary>How a peer broke the protocol: what metrics and logs tell apart.</summary>
public enum ProtocolError
{
    /// <summary>The frame is unreadable, or of an unknown kind or version.</summary>
    Malformed,

    /// <summary>The length prefix announced a frame above the limit.</summary>
    TooLarge,

    /// <summary>A frame began to arrive but did not arrive in full in time.</summary>
    Incomplete,

    /// <summary>A readable frame that does not answer what was asked (another kind, another message).</summary>
    OutOfTurn,
}

/// <summary>A frame that breaks the protocol: unreadable, too large, or of an unknown kind or version.</summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProtocolException(ProtocolError reason, string message, Exception? inner = null)
        : base(message, inner) => Reason = reason;

    /// <summary>Creates the exception for a malformed frame.</summary>
    public ProtocolException() { }

    /// <summary>Creates the exception for a malformed frame.</summary>
    public ProtocolException(string message)
        : base(message) { }

    /// <summary>Creates the exception for a malformed frame.</summary>
    public ProtocolException(string message, Exception? inner)
        : base(message, inner) { }

    /// <summary>How the protocol was broken.</summary>
    public ProtocolError Reason { get; }
}
