using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace Relay.Hosting.OpenApi;

/// <summary>An example request body for one media type, shown in the document and in Swagger UI's "Try it
/// out".</summary>
/// <param name="ContentType">The media type the example is for.</param>
/// <param name="Value">The example: a JSON value, or a string for text bodies.</param>
public sealed record RequestExample(string ContentType, JsonNode Value)
{
    /// <summary>A JSON body, written as the API writes JSON (camelCase).</summary>
    [RequiresUnreferencedCode(Reflection)]
    [RequiresDynamicCode(Reflection)]
    public static RequestExample Json<T>(T value) =>
        new("application/json", JsonSerializer.SerializeToNode(value, JsonSerializerOptions.Web)!);

    private const string Reflection = "Serializes the example by reflection: for a daemon that is not trimmed.";

    /// <summary>A text body (CSV, NDJSON).</summary>
    public static RequestExample Text(string contentType, string value) => new(contentType, JsonValue.Create(value));
}

/// <summary>Adds <see cref="RequestExample"/>s to a route.</summary>
public static class RequestExampleExtensions
{
    /// <summary>Shows <paramref name="examples"/> as the route's request bodies.</summary>
    public static RouteHandlerBuilder WithRequestExamples(
        this RouteHandlerBuilder builder,
        params RequestExample[] examples
    ) => builder.WithMetadata([.. examples]);
}
