using System.ComponentModel;
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
    public static IReadOnlyList<string> Find(IConfiguration configuration, IReadOnlyDictionary<string, Type> sections)
    {
        var lines = new List<string>();
        foreach (var (section, type) in sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is not null && LeafType(type, key.Split(':')[1..]) is { } leaf && !Converts(leaf, value))
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

    /// <summary>As the binder converts: an empty value leaves a nullable option unset.</summary>
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

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e)
            when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
        catch (Exception e) when (e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>The type of the option a key sets, when it is a single value other than text; null otherwise.</summary>
    private static Type? LeafType(Type type, string[] path)
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
