using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Relay.Hosting.Http;

namespace Relay.Hosting.Tracing;

/// <summary>
/// OpenTelemetry tracing for a daemon: its own <c>ActivitySource</c> and ASP.NET Core's server
/// spans (health and metrics scrapes left out), exported as <see cref="TracingOptions"/> says.
/// With the exporter <c>None</c> nothing listens, so no span is even created.
/// </summary>
public static class TracingSetup
{
    /// <summary>Registers the <c>Tracing</c> settings, and tracing when they name an exporter.</summary>
    public static void AddRelayTracing(this WebApplicationBuilder builder, string sourceName)
    {
        builder
            .Services.AddOptions<TracingOptions>()
            .BindConfiguration(TracingOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();

        // Read now, because exporters are chosen before the container is built; a value that does not
        // bind or validate is named by the start-up's check, which stops the daemon before this matters.
        TracingOptions? settings;
        try
        {
            settings = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>();
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (settings is null || settings.Exporter == TraceExporter.None || EveryRule.FailuresOf(settings).Count > 0)
        {
            return;
        }

        builder
            .Services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(sourceName)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SampleRatio)))
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsScrape(http.Request.Path));
                if (settings.Exporter == TraceExporter.Console)
                {
                    tracing.AddConsoleExporter();
                    return;
                }

                tracing.AddOtlpExporter(o =>
                {
                    if (settings.OtlpTracesUri is { } endpoint)
                    {
                        o.Endpoint = endpoint;
                        o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    }
                });
            });
    }

    private static bool IsScrape(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}
