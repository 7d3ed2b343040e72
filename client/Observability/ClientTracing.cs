using System.Diagnostics;
using Relay.Hosting.Tracing;

namespace Relay.Client.Observability;

/// <summary>The client's span: <c>apply</c>, one message applied to the SQLite file, a child of the server's delivery
/// attempt named by the deliver frame's <c>traceparent</c>.</summary>
internal static class ClientTracing
{
    public const string SourceName = "Relay.Client";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of applying a message; null when it carries no (readable) trace or nothing records
    /// it.</summary>
    public static Activity? StartApply(string? traceParent) =>
        Source.StartChildOf("apply", ActivityKind.Server, traceParent);
}
