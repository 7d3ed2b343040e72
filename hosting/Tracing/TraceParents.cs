using System.Diagnostics;

namespace Relay.Hosting.Tracing;

/// <summary>Continuing a trace whose context came from elsewhere (a stored message, a frame) as a W3C
/// <c>traceparent</c>.</summary>
public static class TraceParents
{
    /// <summary>Starts <paramref name="name"/> as a child of <paramref name="traceParent"/>; null when there is no
    /// readable parent or nothing records the source's spans, so an untraced message costs nothing.</summary>
    public static Activity? StartChildOf(
        this ActivitySource source,
        string name,
        ActivityKind kind,
        string? traceParent
    )
    {
        if (
            traceParent is null
            || !source.HasListeners()
            || !ActivityContext.TryParse(traceParent, null, out var parent)
        )
        {
            return null;
        }

        return source.StartActivity(name, kind, parent);
    }
}
