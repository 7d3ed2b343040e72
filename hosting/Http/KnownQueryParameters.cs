using System.Collections.Concurrent;
using System.Globalization;
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
    private static readonly ConcurrentDictionary<Endpoint, Dictionary<string, Type>> Taken = new();

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

                var taken = Taken.GetOrAdd(endpoint, QueryParametersOf);
                var unknown = http.Request.Query.Keys.Where(k => !taken.ContainsKey(k)).ToList();
                if (unknown.Count == 0)
                {
                    ThrowOnUnreadable(http.Request.Query, taken);
                    await next(http);
                    return;
                }

                var accepted =
                    taken.Count == 0
                        ? "it takes no query parameters"
                        : $"it takes {string.Join(", ", taken.Keys.Order(StringComparer.Ordinal))}";
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

    /// <summary>
    /// A number, flag or time the handler's binder cannot read is the binder's 400, said the way it says it
    /// (<see cref="BadRequestProblems"/> names the parameter), before the handler is called. The binder generated
    /// for a daemon compiled ahead of time answers a bare 400 for a nullable one it cannot read
    /// (<c>?limit=abc</c>), where the JIT build's names it; read here, both answer alike.
    /// </summary>
    private static void ThrowOnUnreadable(IQueryCollection query, Dictionary<string, Type> taken)
    {
        foreach (var (name, values) in query)
        {
            var type = taken[name];
            var value = values.ToString();
            if (value.Length > 0 && !Reads(Nullable.GetUnderlyingType(type) ?? type, value))
            {
                var shown = (Nullable.GetUnderlyingType(type) ?? type).Name;
                throw new BadHttpRequestException($"Failed to bind parameter \"{shown} {name}\" from \"{value}\".");
            }
        }
    }

    /// <summary>Whether the binder reads <paramref name="value"/> as <paramref name="type"/> (invariant culture, as
    /// it does); true for a type not read here, which the binder judges itself.</summary>
    private static bool Reads(Type type, string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, invariant, out _),
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, invariant, out _),
            _ when type == typeof(bool) => bool.TryParse(value, out _),
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(
                value,
                invariant,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
                out _
            ),
            _ => true,
        };
    }

    /// <summary>The query parameters the endpoint's handler binds, by name, with the type each is read as.</summary>
    private static Dictionary<string, Type> QueryParametersOf(Endpoint endpoint)
    {
        var route = ((RouteEndpoint)endpoint)
            .RoutePattern.Parameters.Select(p => p.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in endpoint.Metadata.OfType<IParameterBindingMetadata>())
        {
            var attributes = parameter.ParameterInfo.GetCustomAttributes(inherit: true);
            if (attributes.OfType<IFromQueryMetadata>().FirstOrDefault() is { } fromQuery)
            {
                names[fromQuery.Name ?? parameter.Name] = parameter.ParameterInfo.ParameterType;
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
                names[parameter.Name] = parameter.ParameterInfo.ParameterType;
            }
        }

        return names;
    }
}

/// <summary>Endpoint metadata: the endpoint takes no query parameters.</summary>
public sealed class NoQueryParameters;
