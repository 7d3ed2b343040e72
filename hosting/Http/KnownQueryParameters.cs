using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting.Http;

/// <summary>
/// A query parameter a route does not take is an error, not something to ignore: <c>?replace=true</c>
/// on an operation that cannot replace, or a misspelt <c>?wiat=10</c>, would otherwise run
/// something other than what the caller meant. What a route takes is read from its handler's own
/// parameters, so the rule cannot drift from the code.
/// </summary>
public static class KnownQueryParameters
{
    private static readonly ConcurrentDictionary<Endpoint, HashSet<string>> Taken = new();

    /// <summary>Answers 400 problem details naming each query parameter the matched endpoint does not bind. Goes after
    /// routing.</summary>
    public static IApplicationBuilder UseKnownQueryParameters(this IApplicationBuilder app) =>
        app.Use(
            async (http, next) =>
            {
                // Minimal-API handlers carry their MethodInfo; other endpoints (health, metrics) take part
                // when marked with TakesNoQueryParameters, and Swagger and static files are left alone.
                if (
                    http.Request.Query.Count == 0
                    || http.GetEndpoint() is not RouteEndpoint endpoint
                    || (
                        endpoint.Metadata.GetMetadata<MethodInfo>() is null
                        && endpoint.Metadata.GetMetadata<NoQueryParameters>() is null
                    )
                )
                {
                    await next(http);
                    return;
                }

                var taken = Taken.GetOrAdd(endpoint, QueryNamesOf);
                var unknown = http.Request.Query.Keys.Where(k => !taken.Contains(k)).ToList();
                if (unknown.Count == 0)
                {
                    await next(http);
                    return;
                }

                var accepted =
                    taken.Count == 0
                        ? "it takes no query parameters"
                        : $"it takes {string.Join(", ", taken.Order(StringComparer.Ordinal))}";
                var errors = unknown.ToDictionary(
                    k => k,
                    k =>
                        new[]
                        {
                            $"{k} is not a parameter of {http.Request.Method} {endpoint.RoutePattern.RawText}; {accepted}.",
                        }
                );
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http
                    .RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(
                        new ProblemDetailsContext
                        {
                            HttpContext = http,
                            ProblemDetails = new HttpValidationProblemDetails(errors)
                            {
                                Status = StatusCodes.Status400BadRequest,
                                Title = "The request has a query parameter this route does not take.",
                                Detail = $"Nothing was done: {string.Join("; ", errors.Values.Select(v => v[0]))}",
                            },
                        }
                    );
            }
        );

    /// <summary>Marks an endpoint without a handler (a health check, the metrics) as taking no query
    /// parameters.</summary>
    public static TBuilder TakesNoQueryParameters<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new NoQueryParameters());

    private static HashSet<string> QueryNamesOf(Endpoint endpoint)
    {
        var route = ((RouteEndpoint)endpoint)
            .RoutePattern.Parameters.Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in endpoint.Metadata.OfType<IParameterBindingMetadata>())
        {
            var attributes = parameter.ParameterInfo.GetCustomAttributes(inherit: true);
            if (attributes.OfType<IFromQueryMetadata>().FirstOrDefault() is { } fromQuery)
            {
                names.Add(fromQuery.Name ?? parameter.Name);
            }
            else if (
                !route.Contains(parameter.Name)
                && !attributes.Any(a =>
                    a
                        is IFromRouteMetadata
                            or IFromBodyMetadata
                            or IFromServiceMetadata
                            or IFromHeaderMetadata
                            or IFromFormMetadata
                )
                && (parameter.HasTryParse || parameter.ParameterInfo.ParameterType == typeof(string))
            )
            {
                names.Add(parameter.Name);
            }
        }

        return names;
    }
}

/// <summary>Endpoint metadata: the endpoint takes no query parameters.</summary>
public sealed class NoQueryParameters;
