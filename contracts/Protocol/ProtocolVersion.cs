namespace Relay.Contracts.Protocol;

/// <summary>The wire protocol version this build speaks. A frame with another version is refused.</summary>
public static class ProtocolVersion
{
    /// <summary>
    /// The only version accepted today. Version 2 added <c>messageUid</c> to deliver frames: a
    /// version 1 server's ids alone cannot tell a new message from an old one after a database reset.
    /// Version 3 added digests (<c>digestRequest</c>, <c>digestReply</c>) and <c>patch</c> messages,
    /// and renamed a staged message's <c>replace</c> to <c>part</c>. Version 4 made the link
    /// credential per client: <c>hello</c> names the client id and generation it holds, and the
    /// proofs cover them. Version 5 added <c>lastAppliedId</c> to <c>welcome</c>: the server notices
    /// a client that holds more than its database knows. Version 6 added the server's signature to
    /// <c>auth</c>: a client checks the server with a public key its credential carries, not with its
    /// own secret, so whoever holds the secret cannot pose as the server.
    /// </summary>
    public const int Current = 6;
}
