using Microsoft.Extensions.FileProviders;

namespace Relay.Server.Dashboard;

/// <summary>
/// <c>GET /dashboard</c>: the fleet at a glance, three static files beside the binary that call
/// the API as any client would (with the key the user enters, kept in session storage). The files
/// hold no data, so they are open; no script, style or font comes from anywhere else.
/// </summary>
internal static class DashboardSetup
{
    public const string Path = "/dashboard";

    private static readonly string Folder = System.IO.Path.Combine(AppContext.BaseDirectory, "Dashboard", "wwwroot");

    /// <summary>
    /// <c>/dashboard/</c>, as people type it and links write it, goes to the page: before the strict
    /// path check, which refuses every other trailing slash as an id left empty.
    /// </summary>
    public static void UseDashboardSlash(this WebApplication app) =>
        app.Use(
            async (http, next) =>
            {
                if (
                    (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                    && http.Request.Path.Value == Path + "/"
                )
                {
                    http.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                    http.Response.Headers.Location = Path + http.Request.QueryString;
                    return;
                }

                await next(http);
            }
        );

    /// <summary>The page's scripts and styles, under <c>/dashboard/</c>.</summary>
    public static void UseDashboard(this WebApplication app) =>
        app.UseStaticFiles(
            new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Folder),
                RequestPath = Path,
                OnPrepareResponse = context => Protect(context.Context.Response),
            }
        );

    /// <summary>The page itself at <c>/dashboard</c> (no trailing slash: no Relay path has one).</summary>
    public static void MapDashboard(this WebApplication app) =>
        app.MapGet(Path, (HttpContext http) =>
            {
                Protect(http.Response);
                return TypedResults.PhysicalFile(
                    System.IO.Path.Combine(Folder, "index.html"),
                    "text/html; charset=utf-8"
                );
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

    private static void Protect(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
    }
}
