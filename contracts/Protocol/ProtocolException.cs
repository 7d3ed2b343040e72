namespace Relay.Contracts.Protocol;

/// <summary>A frame that breaks the protocol: unreadable, too large, or of an unknown kind or version.</summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProtocolException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public ProtocolException() { }

    /// <summary>Creates the exception.</summary>
    public ProtocolException(string message) : base(message) { }
}
