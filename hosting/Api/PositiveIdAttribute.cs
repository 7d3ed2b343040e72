using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Relay.Hosting.Api;

/// <summary>
/// An id in a path or a query: positive, as MySQL's auto-increment gives them (or zero, for a
/// cursor that starts before the first). Checked by the framework's validation before the handler runs.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class PositiveIdAttribute : ValidationAttribute
{
    /// <summary>Zero is allowed too: a cursor (<c>?afterId=0</c>) that starts before the first id.</summary>
    public bool OrZero { get; init; }

    /// <inheritdoc />
    public override bool IsValid(object? value) =>
        value switch
        {
            null => true,
            long id => id > 0 || (OrZero && id == 0),
            _ => false,
        };

    /// <summary>Names the field as the request spells it (a paging record's <c>AfterId</c> is <c>afterId</c> on the
    /// wire).</summary>
    public override string FormatErrorMessage(string name) =>
        $"{JsonNamingPolicy.CamelCase.ConvertName(name)} must be {(OrZero ? "zero or a positive id" : "a positive integer")}.";
}
