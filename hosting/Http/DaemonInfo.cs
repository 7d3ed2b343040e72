using System.Reflection;
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
    public static RouteHandlerBuilder MapDaemonInfo(
        this IEndpointRouteBuilder app,
        string name,
        IReadOnlyDictionary<string, string> links
    )
    {
        var info = new DaemonInfo(name, DaemonInfo.BuildVersion, links);
        app.MapLicense();
        return app.MapGet("/", () => TypedResults.Ok(info))
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
