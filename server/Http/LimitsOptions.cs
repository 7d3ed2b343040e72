using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Http;

/// <summary>
/// How often one caller (a key, or an address without one) may make the calls that cost the
/// server and the clients real work: verify, sync, import and export. Section <c>Limits</c>.
/// </summary>
internal sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Expensive calls a caller may make at once, then this many per minute.</summary>
    [Range(1, 100_000, ErrorMessage = "Limits:ExpensiveCallsPerMinute must be between 1 and 100000.")]
    public int ExpensiveCallsPerMinute { get; init; } = 60;

    /// <summary>Expensive calls of one caller running at the same time; more wait (up to four times as many), then get
    /// 429.</summary>
    [Range(1, 1000, ErrorMessage = "Limits:ExpensiveCallsAtOnce must be between 1 and 1000.")]
    public int ExpensiveCallsAtOnce { get; init; } = 4;
}
