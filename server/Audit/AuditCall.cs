namespace Relay.Server.Audit;

/// <summary>One call as the audit log keeps it: who (a key's name and role, or only an address), what, how it
/// ended.</summary>
internal sealed record AuditCall(
    DateTime At,
    string? KeyName,
    string? Role,
    string Method,
    string Route,
    string? Target,
    int Status,
    string? Remote,
    int? RowsRead
)
{
    /// <summary>Whom a budget is kept for: the key, or for a caller without a valid key its address.</summary>
    public string Caller => KeyName is { } key ? $"key:{key}" : $"address:{Remote}";
}
