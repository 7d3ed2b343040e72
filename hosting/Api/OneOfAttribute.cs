using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Relay.Hosting.Api;

/// <summary>
/// A query value from a fixed set. The OpenAPI document lists the set (it is an
/// <see cref="AllowedValuesAttribute"/>), and a value outside it is refused naming every allowed one.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class OneOfAttribute(params string[] values) : AllowedValuesAttribute(values)
{
    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        $"{JsonNamingPolicy.CamelCase.ConvertName(name)} must be one of {string.Join(", ", Values.Select(v => $"'{v}'"))}.";
}
