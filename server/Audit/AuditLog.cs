using Relay.Hosting.Auth;

namespace Relay.Server.Audit;

/// <summary>
/// Records, with the status the caller got: every call that could change data (anything but GET,
/// HEAD and OPTIONS); every call of a read that returns personal data (<see cref="AuditedReads"/>),
/// with how many rows it read; and every call refused for its key (401, 403, 429) or its method
/// (405). A record names the key and its role, or only the address when no valid key was given;
/// never the key itself, and never a body, so no name or SSN reaches the log.
/// </summary>
internal static class AuditLog
{
    /// <summary>Goes between authentication and authorization, so a call refused for its role (403) is known by its
    /// key. The record is written as the answer starts, with the status the exception handler or the framework finally
    /// chose, so a caller who reads the log next finds its call there; a streamed read is recorded when it ends, with
    /// the rows it sent.</summary>
    public static void UseAuditLog(this WebApplication app)
    {
        var recorder = app.Services.GetRequiredService<AuditRecorder>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use(
            async (http, next) =>
            {
                var endpoint = http.GetEndpoint();
                var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
                var ids = RouteIds(http);
                Func<Task> record = () =>
                {
                    var status = http.Response.StatusCode;
                    if (!IsAudited(http.Request.Method, endpoint, status))
                    {
                        return Task.CompletedTask;
                    }

                    var user = http.User.Identity?.IsAuthenticated == true ? http.User : null;
                    return recorder.RecordAsync(
                        new AuditCall(
                            time.GetUtcNow().UtcDateTime,
                            user?.Identity?.Name,
                            user is null ? null : ApiKeyRoles.All.LastOrDefault(user.IsInRole),
                            http.Request.Method,
                            route ?? http.Request.Path.Value ?? "",
                            Target([.. ids, .. AuditNotes.Of(http)], http.Response.Headers.Location),
                            status,
                            http.Connection.RemoteIpAddress?.ToString(),
                            AuditedReads.RowsRead(http)
                        )
                    );
                };
                if (AuditedReads.IsStreamed(endpoint))
                {
                    http.Response.OnCompleted(record);
                }
                else
                {
                    http.Response.OnStarting(record);
                }

                await next(http);
            }
        );
    }

    private static bool IsAudited(string method, Endpoint? endpoint, int status) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        || AuditedReads.IsAuditedRead(endpoint)
        || status
            is StatusCodes.Status401Unauthorized
                or StatusCodes.Status403Forbidden
                or StatusCodes.Status405MethodNotAllowed
                or StatusCodes.Status429TooManyRequests;

    /// <summary>The ids in the route (never free text), taken before the exception handler can clear them.</summary>
    private static List<string> RouteIds(HttpContext http) =>
        [
            .. http
                .Request.RouteValues.Where(v => v.Key.EndsWith("id", StringComparison.OrdinalIgnoreCase))
                .Select(v => $"{v.Key}={v.Value}"),
        ];

    private static string? Target(List<string> ids, Microsoft.Extensions.Primitives.StringValues location) =>
        Truncate(
            location.Count > 0 ? string.Join(' ', [.. ids, $"location={location}"])
            : ids.Count == 0 ? null
            : string.Join(' ', ids)
        );

    // The column holds 400 characters; ids and notes are short, but a record must never fail for its length.
    private static string? Truncate(string? target) => target is { Length: > 400 } ? target[..400] : target;
}
