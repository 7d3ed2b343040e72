using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Relay.Server.Auth;

/// <summary>
/// Every request that can change data (anything but GET, HEAD and OPTIONS), and every GET marked
/// <see cref="RequiresApiKey"/>, must carry the configured key in <c>X-Api-Key</c>; other reads,
/// health and Swagger UI stay open.
/// </summary>
internal static partial class ApiKeyMiddleware
{
    public const string Header = "X-Api-Key";

    public static void AddApiKeyAuth(this WebApplicationBuilder builder) =>
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

    public static void UseApiKeyAuth(this WebApplication app)
    {
        var key = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            LogOpen(app.Logger);
            return;
        }

        // Hashing both sides gives equal lengths, so the comparison time says nothing about the key.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        app.Use(async (http, next) =>
        {
            var safe = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method);
            if (safe && !RequiresApiKey.On(http.GetEndpoint()))
            {
                await next(http);
                return;
            }

            var given = http.Request.Headers[Header].ToString();
            if (CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(given))))
            {
                await next(http);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{Header}\"";
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails =
                {
                    Status = StatusCodes.Status401Unauthorized,
                    Title = given.Length == 0 ? "An API key is required." : "The API key is not valid.",
                    Detail = safe ? $"Send the API key in the {Header} header: this call makes the server work on the clients." : $"Send the API key in the {Header} header to change data.",
                },
            });
        });
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Auth:ApiKey is not set: anyone who can reach the API can change data")]
    private static partial void LogOpen(ILogger logger);
}
