using Dapper;
using MySqlConnector;

namespace Relay.Server.Audit;

/// <summary>
/// Records every call that could change data (anything but GET, HEAD and OPTIONS) by a caller
/// with a valid key, refused ones included: when, which key, the route and the ids it named, and
/// the status. Bodies are never read, so no name or SSN reaches the log. Calls without a valid key
/// are not recorded here (they get 401, are logged and count against the address's brake).
/// </summary>
internal static partial class AuditLog
{
    /// <summary>Goes between authentication and authorization, so a call refused for its role (403) is recorded
    /// too.</summary>
    public static void UseAuditLog(this WebApplication app) =>
        app.Use(
            async (http, next) =>
            {
                if (
                    HttpMethods.IsGet(http.Request.Method)
                    || HttpMethods.IsHead(http.Request.Method)
                    || HttpMethods.IsOptions(http.Request.Method)
                )
                {
                    await next(http);
                    return;
                }

                try
                {
                    await next(http);
                }
                catch
                {
                    // The exception handler further out chooses the answer; the record says it failed.
                    await RecordAsync(http, StatusCodes.Status500InternalServerError);
                    throw;
                }

                await RecordAsync(http, http.Response.StatusCode);
            }
        );

    private static async Task RecordAsync(HttpContext http, int status)
    {
        if (http.User.Identity?.IsAuthenticated != true || http.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return;
        }

        try
        {
            await using var connection = await http
                .RequestServices.GetRequiredService<MySqlDataSource>()
                .OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO audit_log (at, key_name, method, route, target, status, remote)
                    VALUES (@at, @keyName, @method, @route, @target, @status, @remote)
                    """,
                    new
                    {
                        at = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
                        keyName = http.User.Identity.Name,
                        method = http.Request.Method,
                        route = Truncate(endpoint.RoutePattern.RawText ?? http.Request.Path.Value ?? "", 200),
                        target = Truncate(TargetOf(http), 400),
                        status,
                        remote = http.Connection.RemoteIpAddress?.ToString(),
                    }
                )
            );
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or TimeoutException)
        {
            // The call itself is done and answered; losing its record must be seen.
            LogNotRecorded(
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Relay.Server.Audit"),
                e,
                http.Request.Method,
                http.Request.Path
            );
        }
    }

    /// <summary>The ids in the route (never free text), and where a created resource lives.</summary>
    private static string? TargetOf(HttpContext http)
    {
        var parts = http
            .Request.RouteValues.Where(v => v.Key.EndsWith("id", StringComparison.OrdinalIgnoreCase))
            .Select(v => $"{v.Key}={v.Value}")
            .ToList();
        if (http.Response.Headers.Location is { Count: > 0 } location)
        {
            parts.Add($"location={location}");
        }

        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length];

    [LoggerMessage(
        EventId = 1201,
        Level = LogLevel.Error,
        Message = "The audit record of {Method} {Path} could not be written"
    )]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string method, string path);
}
