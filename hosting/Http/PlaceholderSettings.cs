using Microsoft.Extensions.Configuration;

namespace Relay.Hosting.Http;

/// <summary>
/// A value copied unchanged from <c>.env.example</c> (<c>change-me…</c>) would start a daemon
/// whose keys every reader of the repository knows; it is refused at start-up, by name.
/// </summary>
public static class PlaceholderSettings
{
    private const string Placeholder = "change-me";

    // Relay's own sections only: the environment may hold anything of other programs.
    private static readonly string[] Sections =
    [
        "Auth",
        "Credentials",
        "ConnectionStrings",
        "Database",
        "Client",
        "Delivery",
        "Seed",
    ];

    /// <summary>One line for each of Relay's settings that still holds a placeholder.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration) =>
        [
            .. configuration
                .AsEnumerable()
                .Where(s =>
                    s.Value?.Contains(Placeholder, StringComparison.OrdinalIgnoreCase) == true
                    && Sections.Any(section => s.Key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
                )
                .Select(s => s.Key)
                .Order(StringComparer.Ordinal)
                .Select(key =>
                    $"{key}: still holds the placeholder '{Placeholder}…' from .env.example; set a value of your own."
                ),
        ];
}
