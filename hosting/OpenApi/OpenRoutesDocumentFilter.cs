using System.Net.Mime;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;
using Relay.Hosting.Http;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Hosting.OpenApi;

/// <summary>
/// Describes what route handlers do not: the tags, and the open health and metrics routes that
/// health-check and Prometheus middleware serve, so probes and scrapers are documented too.
/// </summary>
public sealed class OpenRoutesDocumentFilter(ApiDocsSettings settings) : IDocumentFilter
{
    private const string HealthTag = "Health";

    /// <inheritdoc />
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Paths ??= [];
        var unknownQuery = Answer(
            ProblemResponsesFilter.UnknownQuery,
            "application/problem+json",
            context.SchemaGenerator.GenerateSchema(typeof(HttpValidationProblemDetails), context.SchemaRepository)
        );
        var health = context.SchemaGenerator.GenerateSchema(typeof(HealthAnswer), context.SchemaRepository);
        foreach (var (path, says) in settings.HealthRoutes)
        {
            document.Paths.Add(
                path,
                Get(
                    operationId: "Get"
                        + string.Concat(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Capitalized)),
                    summary: says,
                    description: "Open to anyone; 503 with the same body when a check fails.",
                    new OpenApiResponses
                    {
                        ["200"] = Answer("Every check passed.", MediaTypeNames.Application.Json, health),
                        ["400"] = unknownQuery,
                        ["503"] = Answer(
                            "A check failed; `checks` says which and why.",
                            MediaTypeNames.Application.Json,
                            health
                        ),
                    }
                )
            );
        }

        document.Paths.Add(
            "/metrics",
            Get(
                operationId: "GetMetrics",
                summary: "Prometheus metrics in the text exposition format.",
                description: "Open to anyone, for the scraper; counts and gauges only, no personal data.",
                new OpenApiResponses
                {
                    ["200"] = Answer("The metrics.", "text/plain", new OpenApiSchema { Type = JsonSchemaType.String }),
                    ["400"] = unknownQuery,
                }
            )
        );

        document.Tags = new HashSet<OpenApiTag>(
            settings
                .Tags.Append(
                    KeyValuePair.Create(HealthTag, "Liveness, readiness and metrics, for probes and scrapers.")
                )
                .Select(t => new OpenApiTag { Name = t.Key, Description = t.Value })
        );
    }

    private static OpenApiPathItem Get(
        string operationId,
        string summary,
        string description,
        OpenApiResponses responses
    ) =>
        new()
        {
            Operations = new()
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    Tags = new HashSet<OpenApiTagReference> { new(HealthTag) },
                    OperationId = operationId,
                    Summary = summary,
                    Description = description,
                    Responses = responses,
                    Security = [],
                },
            },
        };

    private static OpenApiResponse Answer(string description, string mediaType, IOpenApiSchema schema) =>
        new()
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [mediaType] = new OpenApiMediaType { Schema = schema },
            },
        };

    private static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
