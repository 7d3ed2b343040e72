namespace Relay.Server.Credentials;

/// <summary>A client's new link credential, shown once: give it to the client daemon as
/// <c>Client:Credential</c>.</summary>
/// <param name="ClientId">The client it is for.</param>
/// <param name="Generation">Its generation; the client presents it at every connection.</param>
/// <param name="Credential">The credential itself. Not stored anywhere: keep it, or rotate again.</param>
/// <param name="PreviousGenerationValidUntil">Until when the generation before this one still works (the overlap), or
/// null when it no longer does.</param>
public sealed record IssuedCredential(
    long ClientId,
    int Generation,
    string Credential,
    DateTime? PreviousGenerationValidUntil
);
