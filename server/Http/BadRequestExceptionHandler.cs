using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Relay.Server.Http;

/// <summary>
/// Turns request binding failures (malformed JSON, wrong types, unknown fields, non-numeric route
/// values, bodies over the size limit) into problem details that name the offending field.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = Describe(bad);
        http.Response.StatusCode = bad.StatusCode;
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is too large."
                : "The request could not be read.",
            Detail = message,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = JsonPathToField(json.Path);
            var reason = json.Message.Split(" Path:", 2)[0];
            return (field, reason);
        }

        var parameter = ParameterName().Match(bad.Message);
        return parameter.Success ? (parameter.Groups[1].Value, bad.Message) : ("request", bad.Message);
    }

    private static string JsonPathToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    // "Failed to bind parameter \"long id\" from \"abc\"." names the parameter after its type.
    [GeneratedRegex("parameter \"[^\"]*? (\\w+)\"")]
    private static partial Regex ParameterName();
}
