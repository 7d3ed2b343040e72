namespace Relay.Server.Audit;

/// <summary>One call that changed (or tried to change) data: who, what, and how it ended. Never the body.</summary>
/// <param name="Id">Increasing; page with <c>beforeId</c>.</param>
/// <param name="At">When the answer was sent (UTC).</param>
/// <param name="KeyName">The name of the key used (Auth:Keys:N:Name, or admin for Auth:ApiKey).</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Route">The route template, e.g. <c>/clients/{clientId}/personnel/{personnelId}</c>.</param>
/// <param name="Target">The ids the call named, and a created resource's location.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Remote">The caller's address.</param>
public sealed record AuditEntry(
    long Id,
    DateTime At,
    string? KeyName,
    string Method,
    string Route,
    string? Target,
    int Status,
    string? Remote
);

/// <summary>A page of the audit log, newest first.</summary>
/// <param name="Items">The entries.</param>
/// <param name="NextBeforeId">Pass as <c>beforeId</c> for the next (older) page; null on the last.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextBeforeId);
