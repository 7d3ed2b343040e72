using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Hosting.Http;

/// <summary>How both daemons answer a request they cannot take: RFC 7807 problem details in the API's words.</summary>
public static class RequestProblems
{
    /// <summary>
    /// Problem details, binding failures turned into them by <see cref="BadRequestProblems"/>, strict JSON.
    /// Each daemon also calls <c>AddValidation()</c> itself: the framework's validation generator
    /// only sees the endpoints of the project that makes that call.
    /// </summary>
    public static IServiceCollection AddRequestProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ValidationErrorNames.AsOnTheWire);
        services.AddExceptionHandler<BadRequestProblems>();

        // Binding failures (bad JSON, wrong types, non-numeric ids) become exceptions so the
        // handler above can turn them into problem details that name the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            // What both daemons answer, described when built: a daemon compiled ahead of time has no other way.
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, HostingJson.Default);
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;

            // {"ssn": "a", "ssn": "b"} means whatever the reader's last wins says; refused instead.
            o.SerializerOptions.AllowDuplicateProperties = false;

            // States and kinds are enums in the code and camelCase names on the wire (see WireNames). A daemon
            // compiled ahead of time (the client) has no enums on the wire.
            if (RuntimeFeature.IsDynamicCodeSupported)
            {
                o.SerializerOptions.Converters.Add(
                    new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
                );
            }
        });
        return services;
    }

    /// <summary>The exception handler, status-code pages and the empty-segment guard, first in the pipeline.</summary>
    public static IApplicationBuilder UseRequestProblems(this IApplicationBuilder app) =>
        app.UseExceptionHandler().UseStatusCodePages().UseStrictPaths();
}
