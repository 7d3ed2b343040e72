using Microsoft.AspNetCore.Diagnostics;
using Relay.Server.Database;

namespace Relay.Server.Http;

/// <summary>
/// When MySQL cannot be reached, or goes away in the middle of a request, the API says so with a
/// 503 and <c>Retry-After</c>, so callers know to retry. A transaction cut short rolls back whole.
/// </summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(
    IProblemDetailsService problems,
    ILogger<DatabaseUnavailableExceptionHandler> logger
) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!MySqlFaults.IsUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, exception.Message);
        var (title, detail, retryAfter) = MySqlFaults.Explain(exception);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new()
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = title,
                    Detail = detail,
                },
            }
        );
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "MySQL is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
