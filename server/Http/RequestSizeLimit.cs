using Microsoft.AspNetCore.Http.Features;

namespace Relay.Server.Http;

/// <summary>
/// No request of this API needs more than a few hundred bytes; a larger one is refused with 413
/// before it is read, whichever server hosts the app (Kestrel, or the test host).
/// </summary>
internal static class RequestSizeLimit
{
    public const long MaxBodyBytes = 64 * 1024;

    public static void UseRequestSizeLimit(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = MaxBodyBytes;
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            throw new BadHttpRequestException($"The request body is larger than {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        await next(http);
    });
}
