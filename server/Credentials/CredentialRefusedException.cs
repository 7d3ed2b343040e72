using System.Security.Authentication;

namespace Relay.Server.Credentials;

/// <summary>The client named a credential generation that does not (or no longer) opens a link; the message says which
/// and why.</summary>
internal sealed class CredentialRefusedException(string message) : AuthenticationException(message);
