using System.ComponentModel.DataAnnotations;

namespace Relay.Server.Operations;

/// <summary>
/// <c>?wait=SECONDS</c>: 0 to <see cref="OperationWaiter.MaxWaitSeconds"/>. A range, so the
/// OpenAPI document shows its bounds, checked by the framework's validation before the handler runs.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class WaitSecondsAttribute : RangeAttribute
{
    public WaitSecondsAttribute()
        : base(0, OperationWaiter.MaxWaitSeconds) => ErrorMessage = "{0} must be between {1} and {2} seconds.";
}
