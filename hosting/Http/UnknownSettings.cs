using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Relay.Hosting.Http;

/// <summary>
/// Settings under a daemon's own sections that no option reads: a misspelled key
/// (<c>Delivery__PollIntervall</c>) would otherwise be ignored in silence, and its default used.
/// Each is named with the known key closest to it.
/// </summary>
public static class UnknownSettings
{
    /// <summary>The setting that makes an unknown key an error instead of a warning.</summary>
    public const string StrictKey = "Settings:Strict";

    /// <summary>Every configured key under <paramref name="sections"/> that the section's options type has no
    /// property for, with the closest known key, if one is close.</summary>
    public static IReadOnlyList<(string Key, string? Closest)> Find(
        IConfiguration configuration,
        IEnumerable<SettingSection> sections
    )
    {
        var unknown = new List<(string, string?)>();
        foreach (var section in sections)
        {
            var known = KnownKeys(section.Type, section.Name).ToList();
            foreach (var (key, value) in configuration.GetSection(section.Name).AsEnumerable())
            {
                var setting = key.EndsWith("_FILE", StringComparison.Ordinal) ? key[..^"_FILE".Length] : key;
                if (value is null || IsKnown(section.Type, setting.Split(':')[1..]))
                {
                    continue;
                }

                unknown.Add((key, Closest(setting, known)));
            }
        }

        return unknown;
    }

    // A nested options class is read through its parent's property (the server's lists of nodes); the daemon trimmed
    // for Native AOT, the client, has none, and a nested type trimmed bare would make its keys warn, not pass.
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "See the comment above.")]
    private static bool IsKnown([DynamicallyAccessedMembers(SettingSection.Read)] Type type, string[] path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            return false;
        }

        var rest = path[1..];
        var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (rest.Length == 0 || typeof(IDictionary).IsAssignableFrom(propertyType))
        {
            return true;
        }

        if (SettingTypes.ElementOf(propertyType) is { } element)
        {
            return int.TryParse(rest[0], out _) && (rest.Length == 1 || IsKnown(element, rest[1..]));
        }

        return !SettingTypes.IsSimple(propertyType) && IsKnown(propertyType, rest);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "As IsKnown: nested types only on the server.")]
    private static IEnumerable<string> KnownKeys(
        [DynamicallyAccessedMembers(SettingSection.Read)] Type type,
        string prefix
    )
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null)
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (SettingTypes.ElementOf(propertyType) is { } element && !SettingTypes.IsSimple(element))
            {
                foreach (var inner in KnownKeys(element, $"{key}:0"))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    /// <summary>The known key nearest by edit distance (indexes compared as written), when it is near enough to be a
    /// slip.</summary>
    private static string? Closest(string key, IReadOnlyList<string> known)
    {
        var asKnown = string.Join(':', key.Split(':').Select(p => int.TryParse(p, out _) ? "0" : p));
        var best = known
            .Select(k => (Key: k, Distance: Distance(asKnown.ToLowerInvariant(), k.ToLowerInvariant())))
            .OrderBy(k => k.Distance)
            .FirstOrDefault();
        return best.Key is not null && best.Distance <= Math.Max(2, asKnown.Length / 4) ? best.Key : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(
                    Math.Min(current[j - 1] + 1, previous[j] + 1),
                    previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                );
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
