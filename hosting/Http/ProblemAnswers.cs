using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting.Http;

/// <summary>Answers a request with RFC 7807 problem details from middleware, where no endpoint result can.</summary>
public static class ProblemAnswers
{
    /// <summary>Sets <paramref name="status"/> and writes the problem with the app's problem details service.</summary>
    public static Task WriteProblemAsync(this HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return http
            .RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(
                new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = status,
                        Title = title,
                        Detail = detail,
                    },
                }
            )
            .AsTask();
    }
}
