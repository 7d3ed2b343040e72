using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Relay.Hosting.Http;

/// <summary>What <c>GET /</c> answers: which daemon this is and where to go from here.</summary>
/// <param name="Name">Which daemon answers: <c>relay-server</c> or <c>relay-client</c>.</param>
/// <param name="Version">The build's version (with the commit it was built from, when known).</param>
/// <param name="Links">The daemon's entry points, by name: its API description, Swagger UI, health, metrics and main
/// resources.</param>
public sealed record DaemonInfo(string Name, string Version, IReadOnlyDictionary<string, string> Links)
{
    /// <summary>A client daemon's position: the id (a number the server issued) of the last change it applied, or of a
    /// deletion it applied ahead of older changes; absent on the server and before any change.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Position { get; init; }

    /// <summary>When the client applied the change at <see cref="Position"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? PositionAppliedAt { get; init; }

    /// <summary>This build's version, as the assembly carries it.</summary>
    public static string BuildVersion { get; } =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";
}

/// <summary>Maps <c>GET /</c>, open to anyone: a person or a probe who finds the port learns what it is.</summary>
public static class DaemonInfoEndpoint
{
    /// <summary>Answers <c>GET /</c> with <paramref name="name"/>, the build version and <paramref
    /// name="links"/>.</summary>
    /// <param name="app">Where to map it.</param>
    /// <param name="name">Which daemon answers.</param>
    /// <param name="links">Its entry points, by name.</param>
    /// <param name="now">What the daemon adds to the answer at the time of the call (the client's position), if
    /// anything.</param>
    public static RouteHandlerBuilder MapDaemonInfo(
        this IEndpointRouteBuilder app,
        string name,
        IReadOnlyDictionary<string, string> links,
        Func<IServiceProvider, DaemonInfo, DaemonInfo>? now = null
    )
    {
        var info = new DaemonInfo(name, DaemonInfo.BuildVersion, links);
        app.MapLicense();
        return app.MapGet("/", (HttpContext http) =>
                TypedResults.Ok(now is null ? info : now(http.RequestServices, info))
            )
            .WithName("GetDaemonInfo")
            .WithTags("About")
            .WithSummary(
                "Which daemon this is, its version, and links to its API description, Swagger UI, health and resources."
            )
            .WithDescription("Open to anyone; says nothing about the data the daemon holds.")
            .AllowAnonymous();
    }

    /// <summary>Answers <c>GET /license</c> with the terms Relay is distributed under (the repository's
    /// LICENSE).</summary>
    public static RouteHandlerBuilder MapLicense(this IEndpointRouteBuilder app)
    {
        using var stream = typeof(DaemonInfo).Assembly.GetManifestResourceStream("LICENSE")!;
        var text = new StreamReader(stream).ReadToEnd();
        return app.MapGet(LicensePath, () => TypedResults.Text(text, "text/plain; charset=utf-8"))
            .WithName("GetLicense")
            .WithTags("About")
            .WithSummary("The terms Relay is distributed under.")
            .WithDescription("Open to anyone.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .AllowAnonymous();
    }

    /// <summary>Where <see cref="MapLicense"/> serves the terms.</summary>
    public const string LicensePath = "/license";
}
