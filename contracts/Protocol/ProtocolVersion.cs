namespace Relay.Contracts.Protocol;

/// <summary>The wire protocol version this build speaks. A frame with another version is refused.</summary>
public static class ProtocolVersion
{
    /// <summary>
    /// The only version accepted today. Version 2 added <c>messageUid</c> to deliver frames: a
    /// version 1 server's ids alone cannot tell a new message from an old one after a database reset.
    /// </summary>
    public const int Current = 2;
}
