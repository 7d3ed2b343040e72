using System.Diagnostics;
using Relay.Hosting.Tracing;

namespace Relay.Server.Observability;

/// <summary>
/// The server's spans: <c>outbox write</c> (the transaction that queues an operation's messages,
/// under the HTTP call's span) and <c>deliver</c> (one attempt to deliver one message to one client,
/// under the outbox write that queued it, however much later). The client's <c>apply</c> continues
/// the trace from the deliver frame's <c>traceparent</c>.
/// </summary>
internal static class RelayTracing
{
    public const string SourceName = "Relay.Server";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span's W3C <c>traceparent</c>, to store with the messages it queues; null outside
    /// one.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts a delivery attempt's span under the stored <paramref name="traceParent"/>; null when the
    /// message has no trace or nothing records it.</summary>
    public static Activity? StartDelivery(string? traceParent) =>
        Source.StartChildOf("deliver", ActivityKind.Client, traceParent);
}
