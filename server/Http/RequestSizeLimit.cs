using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Relay.Server.Http;

/// <summary>
/// No request of this API needs more than a few hundred bytes; a larger one is refused with 413
/// before it is read, whichever server hosts the app (Kestrel, or the test host). A route that
/// streams a bulk upload raises its own limit with <see cref="BodySizeLimit"/>.
/// </summary>
internal static class RequestSizeLimit
{
    public const long MaxBodyBytes = 64 * 1024;

    public static void UseRequestSizeLimit(this WebApplication app) =>
        app.Use(
            async (http, next) =>
            {
                var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                    ?? MaxBodyBytes;
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                {
                    feature.MaxRequestBodySize = limit;
                }

                if (http.Request.ContentLength > limit)
                {
                    throw new BadHttpRequestException(
                        $"The request body is larger than {limit} bytes.",
                        StatusCodes.Status413PayloadTooLarge
                    );
                }

                await next(http);
            }
        );
}

/// <summary>A route's own body limit, in bytes.</summary>
internal sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
