using Microsoft.AspNetCore.Diagnostics;
using MySqlConnector;

namespace Relay.Server.Http;

/// <summary>When MySQL cannot be reached the API says so with a 503, so callers know to retry.</summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, exception.Message);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new()
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = "Relay cannot reach MySQL right now. Nothing was changed; retry later.",
            },
        });
    }

    private static bool IsUnavailable(Exception e) => e switch
    {
        MySqlException m => m.IsTransient || m.ErrorCode is MySqlErrorCode.UnableToConnectToHost,
        TimeoutException => true,
        _ => e.InnerException is not null && IsUnavailable(e.InnerException),
    };

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "MySQL is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
