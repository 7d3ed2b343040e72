using System.Collections.Concurrent;
using System.Text.Json;

namespace Relay.Hosting.Api;

/// <summary>
/// How an enum's values are spelled outside the code: camelCase, as JSON writes them (the JSON
/// options carry a <c>JsonStringEnumConverter</c> with the same policy), as query values are
/// accepted and as SQL stores them.
/// </summary>
public static class WireNames
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    /// <summary>The value's name on the wire: <c>UpToDate</c> is <c>upToDate</c>.</summary>
    public static string Of<T>(T value)
        where T : struct, Enum => Names.GetOrAdd(value, v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()));

    /// <summary>Every value's name on the wire, in declaration order.</summary>
    public static string[] All<T>()
        where T : struct, Enum => [.. Enum.GetValues<T>().Select(Of)];

    /// <summary>The value spelled <paramref name="name"/> on the wire (exactly so: no numbers, no other
    /// case).</summary>
    public static T Parse<T>(string name)
        where T : struct, Enum => Enum.GetValues<T>().Single(v => Of(v) == name);
}
