using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Relay.Hosting.Http;

/// <summary>
/// Settings whose value the configuration binder could not turn into the option's type
/// (<c>Delivery__PollInterval=2s</c>), found before binding so that every one is named at once:
/// the binder stops at the first, and an operator would fix them one start at a time.
/// </summary>
public static class UnconvertibleSettings
{
    /// <summary>One line for each configured key under <paramref name="sections"/> whose value its option's type
    /// cannot take: the key, the value, and what a good value looks like.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration, IEnumerable<SettingSection> sections)
    {
        var lines = new List<string>();
        foreach (var section in sections)
        {
            foreach (var (key, value) in configuration.GetSection(section.Name).AsEnumerable())
            {
                if (
                    value is not null
                    && LeafType(section.Type, key.Split(':')[1..]) is { } leaf
                    && !Converts(leaf, value)
                )
                {
                    lines.Add(Describe(key, value, leaf));
                }
            }
        }

        return lines;
    }

    /// <summary>The key, the value (cut at 40 characters), what the type takes and an example of it.</summary>
    public static string Describe(string key, string value, Type type)
    {
        value = value.Length <= 40 ? value : value[..40] + "…";
        var (what, example) = (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(TimeSpan) => ("a duration", "00:00:02 for 2 seconds, 1.00:00:00 for a day"),
            var t when t == typeof(int) || t == typeof(long) => ("a whole number", "10"),
            var t when t == typeof(bool) => ("true or false", "true"),
            var t when t == typeof(double) || t == typeof(decimal) => ("a number", "0.5"),
            var t when t == typeof(Uri) => ("a URL", "http://127.0.0.1:8080"),
            var t when t.IsEnum => ("one of " + string.Join(", ", Enum.GetNames(t)), Enum.GetNames(t)[0]),
            var t => ($"a {t.Name}", null),
        };
        return $"{key}: '{value}' is not {what}{(example is null ? "" : $"; for example {example}")}.";
    }

    /// <summary>As the binder converts (invariant culture; enums by name, any case): an empty value leaves a
    /// nullable option unset. Parsed here, not by type converters, which trimming (Native AOT) cannot keep.</summary>
    private static bool Converts(Type type, string value)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            if (value.Length == 0)
            {
                return true;
            }

            type = underlying;
        }

        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(bool) => bool.TryParse(value, out _),
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, invariant, out _),
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, invariant, out _),
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, invariant, out _),
            _ when type == typeof(decimal) => decimal.TryParse(value, NumberStyles.Number, invariant, out _),
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(value, invariant, out _),
            _ when type == typeof(DateTime) => DateTime.TryParse(value, invariant, DateTimeStyles.None, out _),
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, invariant, out _),
            _ when type == typeof(Uri) => Uri.TryCreate(value, UriKind.RelativeOrAbsolute, out _),
            _ when type.IsEnum => Enum.TryParse(type, value, ignoreCase: true, out _),
            // Another single value (a byte, a char): the binder says itself when it cannot take it.
            _ => true,
        };
    }

    /// <summary>The type of the option a key sets, when it is a single value other than text; null otherwise.</summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2072",
        Justification = "As UnknownSettings: nested types only on the server."
    )]
    private static Type? LeafType([DynamicallyAccessedMembers(SettingSection.Read)] Type type, string[] path)
    {
        while (path.Length > 0)
        {
            var property = type.GetProperty(
                path[0],
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase
            );
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
            path = path[1..];
            if (SettingTypes.ElementOf(type) is { } element && path.Length > 0 && int.TryParse(path[0], out _))
            {
                type = element;
                path = path[1..];
            }
        }

        var plain = Nullable.GetUnderlyingType(type) ?? type;
        return SettingTypes.IsSimple(plain) && plain != typeof(string) ? type : null;
    }
}
