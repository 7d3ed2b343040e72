namespace Relay.Server.Audit;

/// <summary>One call that changed (or tried to change) data, read personal data, or was refused: who, what, and how it
/// ended. Never the body, never the key itself. A summary row (method and route <c>*</c>, status 0) counts a caller's
/// calls that went over its audit budget and were not recorded one by one.</summary>
/// <param name="Id">Increasing; page with <c>beforeId</c>.</param>
/// <param name="At">When the answer was sent (UTC).</param>
/// <param name="KeyName">The name of the key used (Auth:Keys:N:Name, or admin for Auth:ApiKey); null when the call had
/// no valid key.</param>
/// <param name="Role">The key's role (read, operate or admin); null when the call had no valid key.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Route">The route template, e.g. <c>/clients/{clientId}/personnel/{personnelId}</c>.</param>
/// <param name="Target">The ids the call named, and a created resource's location.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Remote">The caller's address.</param>
/// <param name="RowsRead">Personnel rows a read of personal data returned; null for other calls.</param>
/// <param name="Suppressed">On a summary row, how many of this caller's calls were not recorded one by one.</param>
public sealed record AuditEntry(
    long Id,
    DateTime At,
    string? KeyName,
    string? Role,
    string Method,
    string Route,
    string? Target,
    int Status,
    string? Remote,
    int? RowsRead,
    int? Suppressed
);

/// <summary>A page of the audit log, newest first.</summary>
/// <param name="Items">The entries.</param>
/// <param name="NextBeforeId">Pass as <c>beforeId</c> for the next (older) page; null on the last.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, long? NextBeforeId);
