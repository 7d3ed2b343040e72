using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting.Http;

/// <summary>
/// Routing matches <c>/clients/all/personnel/</c> as if it were <c>/clients/all/personnel</c>, so a
/// script whose id variable came out empty would run the bulk operation instead of the one it
/// meant. A path with a trailing slash or an empty segment is refused before routing sees it.
/// </summary>
public static class StrictPaths
{
    /// <summary>Answers 404 problem details for paths ending in <c>/</c> or holding <c>//</c> (Swagger UI's own paths
    /// excepted).</summary>
    public static IApplicationBuilder UseStrictPaths(this IApplicationBuilder app) =>
        app.Use(
            async (http, next) =>
            {
                var path = http.Request.Path.Value ?? "";
                var hasEmptySegment =
                    path.Length > 1 && (path.EndsWith('/') || path.Contains("//", StringComparison.Ordinal));
                if (!hasEmptySegment || path.StartsWith("/swagger", StringComparison.Ordinal))
                {
                    await next(http);
                    return;
                }

                await http.WriteProblemAsync(
                    StatusCodes.Status404NotFound,
                    "No such route.",
                    $"The path '{path}' has an empty segment or ends with '/'; no route has one. Was an id left empty?"
                );
            }
        );
}
