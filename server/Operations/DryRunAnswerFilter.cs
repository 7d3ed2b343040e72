using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Server.Operations;

/// <summary>
/// An operation answers 200 with either the operation (with <c>wait</c>, every client acknowledged)
/// or its preview (with <c>dryRun=true</c>). The framework keeps one type per status, so the
/// document would name only one of them: this names both. Swagger UI fills <c>dryRun</c> with true, so an operation
/// tried as it is (delete all personnel from all clients, say) only answers what it would do.
/// </summary>
internal sealed class DryRunAnswerFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (
            !context.ApiDescription.ParameterDescriptions.Any(p => p.Name == "dryRun")
            || operation.Responses?.GetValueOrDefault("200") is not OpenApiResponse ok
        )
        {
            return;
        }

        if (operation.Parameters?.FirstOrDefault(p => p.Name == "dryRun") is OpenApiParameter dryRun)
        {
            dryRun.Example = JsonValue.Create(true);
        }

        ok.Description =
            "With wait: every client acknowledged everything (the operation). With dryRun=true: what the operation "
            + "would do (its preview); nothing was queued.";
        ok.Content = new Dictionary<string, IOpenApiMediaType>
        {
            ["application/json"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    AnyOf =
                    [
                        context.SchemaGenerator.GenerateSchema(typeof(OperationStatus), context.SchemaRepository),
                        context.SchemaGenerator.GenerateSchema(typeof(OperationPreview), context.SchemaRepository),
                    ],
                },
            },
        };
    }
}
