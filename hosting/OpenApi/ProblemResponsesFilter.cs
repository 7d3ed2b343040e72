using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Hosting.OpenApi;

/// <summary>
/// Every error answer of both daemons is RFC 7807 problem details: the document says so for each
/// 4xx and 5xx, including the ones no handler declares (413 from the size limit, 503 when the
/// store behind the daemon is away).
/// </summary>
public sealed class ProblemResponsesFilter(ApiDocsSettings settings) : IOperationFilter
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>The 400 every route may answer (<see cref="Http.KnownQueryParameters"/>).</summary>
    public const string UnknownQuery = "The request has a query parameter this route does not take.";

    /// <summary>The 400 of a route that takes values: each refused one is named in <c>errors</c>.</summary>
    public const string Refused =
        "A value in the path, query or body is refused (errors names each, in the API's words), or the query has a parameter this route does not take.";

    /// <inheritdoc />
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Responses ??= [];

        // The framework's validation answers 400 before the handler runs, so no handler declares it.
        var badRequest = context.ApiDescription.ParameterDescriptions.Count > 0 ? Refused : UnknownQuery;
        if (!operation.Responses.TryGetValue("400", out var declared))
        {
            operation.Responses["400"] = new OpenApiResponse
            {
                Description = badRequest,
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    [ProblemJson] = new OpenApiMediaType
                    {
                        Schema = context.SchemaGenerator.GenerateSchema(
                            typeof(HttpValidationProblemDetails),
                            context.SchemaRepository
                        ),
                    },
                },
            };
        }
        else if (declared is OpenApiResponse response)
        {
            response.Description = badRequest;
        }

        if (operation.RequestBody is not null)
        {
            operation.Responses.TryAdd(
                "413",
                new OpenApiResponse { Description = "The body is larger than this route takes." }
            );
            operation.Responses.TryAdd(
                "415",
                new OpenApiResponse
                {
                    Description = "The body's Content-Type is not one this route takes (the request body lists them).",
                }
            );
        }

        // Open routes (about, license) answer from the daemon itself, never from its store.
        var open = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
        if (settings.StoreAway is { } storeAway && !open)
        {
            operation.Responses.TryAdd("503", new OpenApiResponse { Description = storeAway });
        }

        // Listed by status, wherever each answer was added.
        var byStatus = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in byStatus)
        {
            operation.Responses[status] = response;
        }

        foreach (var (status, response) in operation.Responses)
        {
            // A conflict and an oversized body name what they refused in `errors`, as a 400 does.
            var schema = status is "409" or "413" ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
            if (status[0] is '4' or '5' && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
            {
                bare.Content = new Dictionary<string, IOpenApiMediaType>
                {
                    [ProblemJson] = new OpenApiMediaType
                    {
                        Schema = context.SchemaGenerator.GenerateSchema(schema, context.SchemaRepository),
                    },
                };
            }
            else if (
                status is "409" or "413"
                && response.Content is { } content
                && content.TryGetValue(ProblemJson, out var problem)
                && problem is OpenApiMediaType media
            )
            {
                media.Schema = context.SchemaGenerator.GenerateSchema(schema, context.SchemaRepository);
            }

            if (status is "429" or "503" && response is OpenApiResponse waitable)
            {
                waitable.Headers ??= new Dictionary<string, IOpenApiHeader>();
                waitable.Headers.TryAdd(RetryAfterHeader.Name, RetryAfterHeader.Described);
            }
        }
    }
}
