namespace Relay.Server.Credentials;

/// <summary>
/// Which generations of a client's credential open a link: the current one and any newer (a
/// database restored from an older backup: only a client that really holds it can prove it), and
/// the one before while its overlap lasts. Judged at every handshake, and again for every live
/// link whenever the client's credentials change or an overlap runs out.
/// </summary>
/// <param name="Current">The generation the server last issued.</param>
/// <param name="PreviousUntil">When the generation before stops working; null when it already has.</param>
internal sealed record CredentialValidity(int Current, DateTime? PreviousUntil)
{
    /// <summary>Why <paramref name="generation"/> does not open a link at <paramref name="now"/>; null when it
    /// does.</summary>
    public string? Refusal(int generation, DateTime now) =>
        generation >= Current ? null
        : generation == Current - 1 && PreviousUntil > now ? null
        : generation == Current - 1 && PreviousUntil is { } ended
            ? $"Credential generation {generation} stopped working at {ended:O}, when its overlap ended (generation {Current} is current)"
        : $"Credential generation {generation} was revoked or replaced with no overlap (generation {Current} is current)";

    /// <summary>Until when <paramref name="generation"/> works, if it does now and only for a while.</summary>
    public DateTime? ValidUntil(int generation) => generation == Current - 1 ? PreviousUntil : null;
}
