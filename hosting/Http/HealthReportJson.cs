using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Relay.Hosting.Http;

/// <summary>A daemon's health, so a probe or a person can see which check failed and why. Any answer at all means
/// live.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy: the worst of the checks.</param>
/// <param name="Live">Always true: the process answers.</param>
/// <param name="Ready">Whether every check passed, so the daemon does its work.</param>
/// <param name="Checks">Each check's status and what it found, by name.</param>
public sealed record HealthAnswer(
    string Status,
    bool Live,
    bool Ready,
    IReadOnlyDictionary<string, HealthCheckAnswer> Checks
);

/// <summary>One health check's outcome.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Description">What the check found.</param>
public sealed record HealthCheckAnswer(string Status, string? Description);

/// <summary>Writes a <see cref="HealthReport"/> as a <see cref="HealthAnswer"/>.</summary>
public static class HealthReportJson
{
    /// <summary>The response writer for <c>MapHealthChecks</c>.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var answer = new HealthAnswer(
            report.Status.ToString(),
            Live: true,
            Ready: report.Status == HealthStatus.Healthy,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthCheckAnswer(e.Value.Status.ToString(), e.Value.Description)
            )
        );
        return http.Response.WriteAsync(JsonSerializer.Serialize(answer, HostingJson.Default.HealthAnswer));
    }
}

/// <summary>The JSON both daemons write themselves (outside minimal APIs' results), generated when built.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(DaemonInfo))]
internal sealed partial class HostingJson : JsonSerializerContext;
