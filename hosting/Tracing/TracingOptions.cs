using System.ComponentModel.DataAnnotations;

namespace Relay.Hosting.Tracing;

/// <summary>Where a daemon's traces go: nowhere (the default), to an OTLP collector, or to standard output. Section
/// <c>Tracing</c>, the same on both daemons.</summary>
public sealed class TracingOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Tracing";

    /// <summary><c>None</c> (no spans are recorded), <c>Otlp</c> or <c>Console</c>.</summary>
    public TraceExporter Exporter { get; set; } = TraceExporter.None;

    /// <summary>The OTLP collector's HTTP endpoint (<c>http://jaeger:4318</c>; <c>/v1/traces</c> is added when no path
    /// is given). Unset: the standard <c>OTEL_EXPORTER_OTLP_*</c> variables, else gRPC on localhost:4317.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The share of new traces recorded, 0 to 1; a trace started elsewhere (a caller's <c>traceparent</c>)
    /// follows its caller's choice.</summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>The OTLP endpoint as the exporter takes it, or null when none is set.</summary>
    public Uri? OtlpTracesUri =>
        OtlpEndpoint is null ? null
        : Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.AbsolutePath is "/" or ""
            ? new Uri(uri, "/v1/traces")
        : new Uri(OtlpEndpoint, UriKind.Absolute);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (
            OtlpEndpoint is not null
            && (
                !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")
                || uri.Query.Length > 0
            )
        )
        {
            yield return new ValidationResult(
                $"{nameof(OtlpEndpoint)} must be an http or https URL, for example http://jaeger:4318.",
                [nameof(OtlpEndpoint)]
            );
        }
    }
}

/// <summary>Where spans go.</summary>
public enum TraceExporter
{
    /// <summary>Nowhere: no span is recorded, and nothing optional is sent to clients for tracing.</summary>
    None,

    /// <summary>To an OpenTelemetry collector (Jaeger, Tempo, the OpenTelemetry Collector) over OTLP.</summary>
    Otlp,

    /// <summary>To standard output, one block per span: for a look without a collector.</summary>
    Console,
}
