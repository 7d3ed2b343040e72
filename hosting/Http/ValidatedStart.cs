using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
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
    /// first bad setting. Keys under <paramref name="sections"/> that no option reads are warned about, or refused
    /// with <see cref="UnknownSettings.StrictKey"/> on.</summary>
    public static WebApplication BuildWithValidSettings(
        this WebApplicationBuilder builder,
        IReadOnlyList<SettingSection>? sections = null
    )
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

        sections ??= [];
        var unknown = UnknownSettings
            .Find(builder.Configuration, sections)
            .Select(u => $"{u.Key} is not a setting{(u.Closest is null ? "" : $"; did you mean {u.Closest}?")}")
            .ToList();
        if (unknown.Count > 0 && IsStrict(builder))
        {
            Exit(builder, unknown.Select(u => $"{u} ({UnknownSettings.StrictKey} is on)"));
        }

        foreach (var line in unknown)
        {
            Console.Error.WriteLine($"{builder.Environment.ApplicationName}: warning: ignored: {line}");
        }

        var unconvertible = UnconvertibleSettings.Find(builder.Configuration, sections);
        if (unconvertible.Count > 0)
        {
            Exit(builder, unconvertible);
        }

        // Building resolves Kestrel's options, which may read settings already (the client's listeners do).
        WebApplication? app = null;
        try
        {
            app = builder.Build();
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (Failures(e, builder, sections).ToList() is { Count: > 0 } failures)
        {
            // Building stopped at the first section read (the client's listeners read theirs): name the others' too.
            Exit(builder, failures.Concat(OtherSections(builder, sections, FailedTypes(e))));
        }

        return app!;
    }

    private static IEnumerable<string> OtherSections(
        WebApplicationBuilder builder,
        IReadOnlyList<SettingSection> sections,
        IReadOnlySet<Type> failed
    )
    {
        foreach (var section in sections.Where(s => !failed.Contains(s.Type)))
        {
            foreach (var failure in section.FailuresIn(builder.Configuration))
            {
                yield return Describe(section.Name, failure);
            }
        }
    }

    private static HashSet<Type> FailedTypes(Exception e) =>
        e switch
        {
            AggregateException many => [.. many.InnerExceptions.SelectMany(FailedTypes)],
            OptionsValidationException options => [options.OptionsType],
            _ => e.InnerException is { } inner ? FailedTypes(inner) : [],
        };

    private static void Exit(WebApplicationBuilder builder, IEnumerable<string> failures)
    {
        // A section read twice while starting fails twice; it is one thing to fix.
        foreach (var line in failures.Distinct())
        {
            Console.Error.WriteLine($"{builder.Environment.ApplicationName}: invalid setting: {line}");
        }

        Environment.Exit(BadSettingExitCode);
    }

    private static bool IsStrict(WebApplicationBuilder builder) =>
        bool.TryParse(builder.Configuration[UnknownSettings.StrictKey], out var strict) && strict;

    private static IEnumerable<string> Failures(
        Exception e,
        WebApplicationBuilder builder,
        IReadOnlyList<SettingSection> sections
    ) =>
        e switch
        {
            AggregateException many => many.InnerExceptions.SelectMany(inner => Failures(inner, builder, sections)),
            OptionsValidationException options => options.Failures.Select(f =>
                Describe(sections.FirstOrDefault(s => s.Type == options.OptionsType)?.Name, f)
            ),
            InvalidOperationException conversion
                when ConversionFailure().Match(conversion.Message) is { Success: true } match =>
            [
                Conversion(match.Groups["key"].Value, match.Groups["type"].Value, builder),
            ],
            _ => e.InnerException is { } inner ? Failures(inner, builder, sections) : [],
        };

    /// <summary>A value the configuration binder could not convert (a setting outside the daemon's sections).</summary>
    private static string Conversion(string key, string type, WebApplicationBuilder builder) =>
        UnconvertibleSettings.Describe(
            key,
            builder.Configuration[key] ?? "",
            SettingTypes.Named(type) ?? typeof(object)
        );

    /// <summary>Names the setting as it is configured (<c>Section:Key</c>), whatever wording the rule used.</summary>
    private static string Describe(string? section, string failure)
    {
        if (DataAnnotationFailure().Match(failure) is not { Success: true } match)
        {
            return failure;
        }

        var error = match.Groups["error"].Value;
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

    // "Failed to convert configuration value '2s' at 'Delivery:PollInterval' to type 'System.TimeSpan'."
    [GeneratedRegex("^Failed to convert configuration value (?:'.*' )?at '(?<key>[^']*)' to type '(?<type>[^']*)'")]
    private static partial Regex ConversionFailure();
}
