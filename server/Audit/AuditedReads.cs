namespace Relay.Server.Audit;

/// <summary>Marks a route that returns personal data: every call to it is audited, with the rows it read.</summary>
/// <param name="Streamed">The answer is written as rows are read, so its count is known only once it ends.</param>
internal sealed record AuditedReadMetadata(bool Streamed);

internal static class AuditedReads
{
    private const string RowsItem = "relay.audit.rows";

    /// <summary>Audits every call of this read, successful or not, as the log audits writes.</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder route, bool streamed = false) =>
        route.WithMetadata(new AuditedReadMetadata(streamed));

    /// <summary>How many personnel rows the call returned, for its audit record.</summary>
    public static void CountRowsRead(this HttpContext http, int rows) =>
        http.Items[RowsItem] = (http.Items[RowsItem] as int? ?? 0) + rows;

    public static int? RowsRead(HttpContext http) => http.Items[RowsItem] as int?;

    public static bool IsAuditedRead(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<AuditedReadMetadata>() is not null;

    public static bool IsStreamed(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<AuditedReadMetadata>() is { Streamed: true };
}
