using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Http;

/// <summary>
/// <c>?wait=SECONDS</c>: 0 to <see cref="MaxSeconds"/>. A range, so the
/// OpenAPI document shows its bounds, checked by the framework's validation before the handler runs.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
internal sealed class WaitSecondsAttribute : RangeAttribute
{
    public const int MaxSeconds = 60;

    /// <summary>What <c>?wait=</c> means, for the API description (its bounds are on the parameter).</summary>
    public const string Text =
        "Seconds to wait for the outcome before answering. 0 or none answers at once with 202 and what was queued.";

    public WaitSecondsAttribute()
        : base(0, MaxSeconds) => ErrorMessage = "{0} must be between {1} and {2} seconds.";
}
