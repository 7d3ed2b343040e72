using System.Collections;

namespace Relay.Hosting.Http;

/// <summary>How the configuration binder sees an option's type: a single value, or a list of them.</summary>
public static class SettingTypes
{
    /// <summary>The element type of a list or array option; null for anything else (text included).</summary>
    public static Type? ElementOf(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
        : null;

    /// <summary>The single-value types settings use, besides text and enums: what <see cref="Named"/> finds.</summary>
    private static readonly Type[] Values =
    [
        typeof(bool),
        typeof(int),
        typeof(long),
        typeof(double),
        typeof(decimal),
        typeof(TimeSpan),
        typeof(DateTime),
        typeof(DateTimeOffset),
        typeof(Uri),
    ];

    /// <summary>A single-value type by its full name (as the binder's errors name it); null for any other.</summary>
    public static Type? Named(string fullName) => Array.Find(Values, t => t.FullName == fullName);

    /// <summary>Whether the binder sets the type from one value.</summary>
    public static bool IsSimple(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || Array.IndexOf(Values, type) >= 0;
}
