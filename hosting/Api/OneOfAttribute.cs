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
    /// <summary>An absent value is left to the default: only a value given must be one of the set.</summary>
    public override bool IsValid(object? value) => value is null || base.IsValid(value);

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        $"{JsonNamingPolicy.CamelCase.ConvertName(name)} must be one of {string.Join(", ", Values.Select(v => $"'{v}'"))}.";
}

/// <summary>
/// A query value naming one of <typeparamref name="TEnum"/>'s values, spelled as
/// <see cref="WireNames"/> spells them: the set comes from the enum, in the document and in the check.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class OneOfAttribute<TEnum>() : AllowedValuesAttribute(WireNames.All<TEnum>())
    where TEnum : struct, Enum
{
    /// <inheritdoc cref="OneOfAttribute.IsValid(object?)"/>
    public override bool IsValid(object? value) => value is null || base.IsValid(value);

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        $"{JsonNamingPolicy.CamelCase.ConvertName(name)} must be one of {string.Join(", ", Values.Select(v => $"'{v}'"))}.";
}
