using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Auth;

internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// The key callers send in <c>X-Api-Key</c> to change anything. Empty turns the check off
    /// (a warning is logged at start-up); reads are always open.
    /// </summary>
    [MinLength(8, ErrorMessage = "Auth:ApiKey must be at least 8 characters when set.")]
    public string? ApiKey { get; init; }
}
