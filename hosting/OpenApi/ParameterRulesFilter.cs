using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Hosting.OpenApi;

/// <summary>
/// Completes what Swashbuckle reads from a handler parameter's attributes: <c>[AllowedValues]</c>
/// becomes the schema's <c>enum</c>, and a <c>[Description]</c> is said once, on the parameter.
/// </summary>
public sealed class ParameterRulesFilter : IParameterFilter
{
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

        if (schema.Description == described.Description)
        {
            schema.Description = null;
        }
    }
}
