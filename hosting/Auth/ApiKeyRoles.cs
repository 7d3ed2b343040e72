namespace Relay.Hosting.Auth;

/// <summary>
/// What a key may do. Each role includes the ones before it: an <c>admin</c> key can also operate
/// and read, an <c>operate</c> key can also read.
/// </summary>
public static class ApiKeyRoles
{
    /// <summary>Lists, status and verify.</summary>
    public const string Read = "read";

    /// <summary>The operations that queue messages, and retries.</summary>
    public const string Operate = "operate";

    /// <summary>Clients, personnel, credentials and the audit log.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, weakest first.</summary>
    public static readonly IReadOnlyList<string> All = [Read, Operate, Admin];

    /// <summary>True for read, operate and admin.</summary>
    public static bool IsKnown(string? role) => role is not null && All.Contains(role);

    /// <summary>The role itself and every weaker one: what a key with <paramref name="role"/> is granted.</summary>
    public static IEnumerable<string> Granted(string role) => All.Take(All.ToList().IndexOf(role) + 1);
}
