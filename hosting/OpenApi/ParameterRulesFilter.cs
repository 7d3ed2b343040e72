using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Relay.Hosting.Api;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Hosting.OpenApi;

/// <summary>
/// Completes what Swashbuckle reads from a handler parameter's attributes: <c>[AllowedValues]</c>
/// becomes the schema's <c>enum</c>, <c>[PositiveId]</c> its minimum (and, in a path, an example no record
/// has), and a <c>[Description]</c> is said once, on the parameter.
/// </summary>
public sealed class ParameterRulesFilter : IParameterFilter
{
    /// <summary>
    /// The example of every id in a path: JavaScript's largest exact integer, far beyond what auto-increment
    /// hands out, so no record has it.
    /// </summary>
    public const long UnissuedId = 9_007_199_254_740_991;

    /// <inheritdoc />
    public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
    {
        if (parameter is not OpenApiParameter { Schema: OpenApiSchema schema } described)
        {
            return;
        }

        var allowed = context.ParameterInfo?.GetCustomAttribute<AllowedValuesAttribute>()
            ?? context.PropertyInfo?.GetCustomAttribute<AllowedValuesAttribute>();
        if (allowed is not null)
        {
            schema.Enum = [.. allowed.Values.Select(v => (JsonNode)JsonValue.Create(v?.ToString() ?? ""))];
        }

        var positiveId = context.ParameterInfo?.GetCustomAttribute<PositiveIdAttribute>()
            ?? context.PropertyInfo?.GetCustomAttribute<PositiveIdAttribute>();
        if (positiveId is not null)
        {
            schema.Minimum = positiveId.OrZero ? "0" : "1";
            if (described.In == ParameterLocation.Path)
            {
                // Swagger UI fills the field with this: an id no record has, so a call tried as it is answers 404
                // rather than changing whichever record happens to have a small id.
                described.Example = JsonValue.Create(UnissuedId);
            }
        }

        if (schema.Description == described.Description)
        {
            schema.Description = null;
        }
    }
}
