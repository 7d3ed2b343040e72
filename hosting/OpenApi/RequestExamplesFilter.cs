using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Hosting.OpenApi;

/// <summary>Puts a route's <see cref="RequestExample"/>s on its request body.</summary>
public sealed class RequestExamplesFilter : IOperationFilter
{
    /// <inheritdoc />
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody is not OpenApiRequestBody { Content: { } content })
        {
            return;
        }

        foreach (var example in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestExample>())
        {
            if (content.TryGetValue(example.ContentType, out var media) && media is OpenApiMediaType concrete)
            {
                concrete.Example = example.Value.DeepClone();
            }
        }
    }
}
