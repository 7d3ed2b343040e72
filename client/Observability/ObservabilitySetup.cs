using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Relay.Hosting.Http;
using Relay.Hosting.Tracing;

namespace Relay.Client.Observability;

internal static class ObservabilitySetup
{
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClientMetrics>();
        builder
            .Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("relay-client"))
            .WithMetrics(metrics =>
                metrics
                    .AddMeter(ClientMetrics.MeterName)
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)
            );
        builder.AddRelayTracing(ClientTracing.SourceName);
        builder.Services.AddHealthChecks().AddCheck<ListenerHealthCheck>("listener");
    }

    public static void MapObservability(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().TakesNoQueryParameters();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthReportJson.WriteAsync })
            .AllowAnonymous()
            .TakesNoQueryParameters();
    }
}

/// <summary>Kestrel binds every endpoint, the TCP inbox included, before the application counts as started.</summary>
internal sealed class ListenerHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(
            lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested
                ? HealthCheckResult.Healthy("The TCP listener is up.")
                : HealthCheckResult.Unhealthy("The TCP listener is not accepting (starting or stopping).")
        );
}
