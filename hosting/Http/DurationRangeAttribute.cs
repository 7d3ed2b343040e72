using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Relay.Hosting.Http;

/// <summary>
/// A duration setting between two bounds, inclusive, written as <see cref="TimeSpan"/> text (<c>00:00:01</c>). The
/// framework's <c>[Range(typeof(TimeSpan), …)]</c> finds its converter by reflection, which a daemon compiled ahead
/// of time cannot; this parses its bounds once.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class DurationRangeAttribute(string minimum, string maximum)
    : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    /// <summary>The shortest duration allowed.</summary>
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    /// <summary>The longest duration allowed.</summary>
    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
