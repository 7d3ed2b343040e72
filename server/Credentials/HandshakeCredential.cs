using Relay.Contracts.Protocol;

namespace Relay.Server.Credentials;

/// <summary>The credential to run a client's handshake with, and whether its success is news to record.</summary>
/// <param name="Credential">Derived for the generation the client named.</param>
/// <param name="IsNews">The client had not proved this generation before (or it is newer than the database
/// knows).</param>
/// <param name="Validity">The client's credentials as the handshake judged them.</param>
internal sealed record HandshakeCredential(LinkCredential Credential, bool IsNews, CredentialValidity Validity);
