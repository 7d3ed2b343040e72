using Microsoft.OpenApi;

namespace Relay.Hosting.OpenApi;

/// <summary>The header a 429 and a 503 carry: how long to wait before calling again.</summary>
public static class RetryAfterHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "Retry-After";

    /// <summary>The header as the API description declares it.</summary>
    public static OpenApiHeader Described =>
        new()
        {
            Description = "Seconds to wait before calling again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
        };
}
