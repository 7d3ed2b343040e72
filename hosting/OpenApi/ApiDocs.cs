using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Relay.Hosting.Auth;
using Relay.Hosting.Http;
using Swashbuckle.AspNetCore.Swagger;

namespace Relay.Hosting.OpenApi;

/// <summary>What makes one daemon's API description its own; the conventions around it are shared.</summary>
public sealed record ApiDocsSettings
{
    /// <summary>The document's title.</summary>
    public required string Title { get; init; }

    /// <summary>What the API is for, in a sentence or two.</summary>
    public required string Description { get; init; }

    /// <summary>Each tag's description, by tag name.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>The open health routes the daemon maps outside the route handlers, with what each one says.</summary>
    public required IReadOnlyDictionary<string, string> HealthRoutes { get; init; }

    /// <summary>Where the daemon listens by default (<c>make run</c>, compose): the base URL a client generated
    /// from the checked-in document starts with.</summary>
    public required Uri DefaultAddress { get; init; }

    /// <summary>The 503 every route may answer when the store behind the daemon is away, or null when there is
    /// none.</summary>
    public string? StoreAway { get; init; }

    /// <summary>The document as generated (JSON), for a daemon compiled ahead of time, which cannot generate it: the
    /// routes' metadata it is made from is read by reflection. Null for a daemon that is never compiled so.</summary>
    public Func<Stream>? Stored { get; init; }
}

/// <summary>The OpenAPI document and Swagger UI, described the same way by both daemons.</summary>
public static class ApiDocs
{
    /// <summary>The switch a native build turns off (the client's project file), so that Swashbuckle's generator,
    /// which reads routes by reflection, is trimmed away; the JIT build of the same project keeps it.</summary>
    public const string GeneratesDocumentSwitch = "Relay.Hosting.OpenApi.GeneratesDocument";

    [FeatureSwitchDefinition(GeneratesDocumentSwitch)]
    private static bool GeneratesDocument =>
        !AppContext.TryGetSwitch(GeneratesDocumentSwitch, out var generates) || generates;

    /// <summary>Generates the document at <c>/swagger/v1/swagger.{json,yaml}</c>.</summary>
    public static IServiceCollection AddApiDocs(this IServiceCollection services, ApiDocsSettings settings)
    {
        if (!GeneratesDocument)
        {
            var stored = settings.Stored
                ?? throw new InvalidOperationException(
                    $"{settings.Title} is compiled ahead of time and has no stored API description."
                );
            services.AddSingleton<ISwaggerProvider>(new StoredDocument(stored));
            return services;
        }

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(
                "v1",
                new OpenApiInfo
                {
                    Title = settings.Title,
                    Version = "v1",
                    Description = settings.Description,
                    License = new OpenApiLicense
                    {
                        Name = "Proprietary",
                        Url = new Uri(DaemonInfoEndpoint.LicensePath, UriKind.Relative),
                    },
                }
            );
            o.SupportNonNullableReferenceTypes();
            o.AddServer(
                new OpenApiServer { Url = settings.DefaultAddress.ToString().TrimEnd('/'), Description = DefaultServer }
            );
            o.AddSecurityDefinition(
                ApiKeyOperationFilter.SchemeName,
                new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.Header,
                    Description =
                        "A key from the daemon's settings. Each call needs a role: read, operate or admin (which includes the others).",
                }
            );
            o.AddSecurityRequirement(ApiKeyOperationFilter.Requirement);
            o.OperationFilter<ApiKeyOperationFilter>();
            o.OperationFilter<ProblemResponsesFilter>(settings);
            o.OperationFilter<RequestExamplesFilter>();
            o.ParameterFilter<ParameterRulesFilter>();
            o.DocumentFilter<OpenRoutesDocumentFilter>(settings);
        });
        return services;
    }

    private const string DefaultServer = "Where make run and docker compose publish the daemon.";
    private const string ReadFrom = "The daemon this document was read from.";

    /// <summary>
    /// Serves the document and Swagger UI (<c>/swagger</c>). A document read from a daemon elsewhere names
    /// that daemon first, so Swagger UI and a client generated from it call the daemon it came from.
    /// </summary>
    public static WebApplication UseApiDocs(this WebApplication app)
    {
        app.UseSwagger(o =>
            o.PreSerializeFilters.Add(
                (document, request) =>
                {
                    // Rebuilt on every read: the document may be cached between requests from different hosts.
                    var here = $"{request.Scheme}://{request.Host}{request.PathBase}";
                    var preset = document.Servers?.Where(s => s.Description == DefaultServer).ToList() ?? [];
                    document.Servers = preset.Any(s => s.Url == here)
                        ? preset
                        : [new OpenApiServer { Url = here, Description = ReadFrom }, .. preset];
                }
            )
        );
        app.UseSwaggerUI();
        return app;
    }
}
