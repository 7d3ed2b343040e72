using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Relay.Hosting.Http;
using Relay.Hosting.Tracing;

namespace Relay.Server.Observability;

internal static class ObservabilitySetup
{
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RelayMetrics>();
        builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("relay-server"))
            .WithMetrics(metrics =>
                metrics
                    .AddMeter(RelayMetrics.MeterName)
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)
            );
        builder.AddRelayTracing(RelayTracing.SourceName);
    }

    public static void MapObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().TakesNoQueryParameters();
        // Live (it answers) and ready (MySQL answers, the schema is current) in one look, for people; probes use the
        // two below.
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync })
            .AllowAnonymous()
            .TakesNoQueryParameters();
        app.MapHealthChecks(
                "/health/live",
                new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportJson.WriteAsync }
            )
            .AllowAnonymous()
            .TakesNoQueryParameters();
        app.MapHealthChecks(
                "/health/ready",
                new HealthCheckOptions
                {
                    Predicate = c => c.Tags.Contains("ready"),
                    ResponseWriter = HealthReportJson.WriteAsync,
                }
            )
            .AllowAnonymous()
            .TakesNoQueryParameters();
    }
}
