using Relay.Hosting.Auth;

namespace Relay.Client.Inbox;

/// <summary>
/// The brake on failed TCP handshakes, apart from the one on wrong HTTP keys: a flood of hostile
/// frames at the inbox does not lock anyone out of the REST listing, nor wrong keys the server out
/// of the inbox.
/// </summary>
internal sealed class HandshakeBrake(FailedAuthBrake brake)
{
    public FailedAuthBrake Brake { get; } = brake;
}
