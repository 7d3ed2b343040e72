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

    /// <summary>Whether the binder sets the type from one value.</summary>
    public static bool IsSimple(Type type) =>
        type.IsPrimitive
        || type.IsEnum
        || type == typeof(string)
        || type == typeof(decimal)
        || type == typeof(TimeSpan)
        || type == typeof(DateTime)
        || type == typeof(DateTimeOffset)
        || type == typeof(Uri);
}
