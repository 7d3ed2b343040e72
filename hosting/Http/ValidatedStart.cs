using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Relay.Hosting.Http;

/// <summary>
/// Checks every setting before anything starts. A bad one stops the daemon with one line per
/// setting on standard error and exit code 2, rather than an unhandled exception's stack trace.
/// </summary>
public static partial class ValidatedStart
{
    /// <summary>The exit code for a daemon stopped by a bad setting.</summary>
    public const int BadSettingExitCode = 2;

    /// <summary>Builds the app, then runs every options validation registered with <c>ValidateOnStart</c>; exits on the
    /// first bad setting.</summary>
    public static WebApplication BuildWithValidSettings(this WebApplicationBuilder builder)
    {
        var unreadable = SecretFiles.Load(builder.Configuration);
        if (unreadable.Count > 0)
        {
            Exit(builder, unreadable);
        }

        var placeholders = PlaceholderSettings.Find(builder.Configuration);
        if (placeholders.Count > 0)
        {
            Exit(builder, placeholders);
        }

        // Building resolves Kestrel's options, which may read settings already (the client's listeners do).
        WebApplication? app = null;
        try
        {
            app = builder.Build();
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (Failures(e).ToList() is { Count: > 0 } failures)
        {
            Exit(builder, failures);
        }

        return app!;
    }

    private static void Exit(WebApplicationBuilder builder, IEnumerable<string> failures)
    {
        foreach (var line in failures)
        {
            Console.Error.WriteLine($"{builder.Environment.ApplicationName}: invalid setting: {line}");
        }

        Environment.Exit(BadSettingExitCode);
    }

    private static IEnumerable<string> Failures(Exception e) =>
        e switch
        {
            AggregateException many => many.InnerExceptions.SelectMany(Failures),
            OptionsValidationException options => options.Failures.Select(f => Describe(options.OptionsType, f)),
            _ => [],
        };

    /// <summary>Names the setting as it is configured (<c>Section:Key</c>), whatever wording the rule used.</summary>
    private static string Describe(Type optionsType, string failure)
    {
        if (DataAnnotationFailure().Match(failure) is not { Success: true } match)
        {
            return failure;
        }

        var error = match.Groups["error"].Value;
        var section =
            optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        var setting = section is null ? match.Groups["members"].Value : $"{section}:{match.Groups["members"].Value}";
        return section is not null && error.Contains($"{section}:", StringComparison.Ordinal)
            ? error
            : $"{setting}: {error}";
    }

    [GeneratedRegex(
        "^DataAnnotation validation failed for '[^']*' members: '(?<members>[^']*)' with the error: '(?<error>.*)'\\.$",
        RegexOptions.Singleline
    )]
    private static partial Regex DataAnnotationFailure();
}
