using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relay.Contracts.Http;

/// <summary>A small JSON health report, so a probe or a person can see which check failed and why.</summary>
public static class HealthReportJson
{
    /// <summary>Writes <c>{"status": ..., "live": true, "ready": ..., "checks": {name: {status, description}}}</c>; an answer at all means live.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            live = true,
            ready = report.Status == HealthStatus.Healthy,
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}
