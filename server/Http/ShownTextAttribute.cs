using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Relay.Contracts.Personnel;

namespace Relay.Server.Http;

/// <summary>A request field that people will read on a site or a dashboard: <see cref="ShownText"/>'s rule, checked by
/// the framework's validation before the handler runs.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class ShownTextAttribute : ValidationAttribute
{
    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string text && ShownText.Problem(text) is { } problem
            ? new ValidationResult(
                $"{JsonNamingPolicy.CamelCase.ConvertName(validationContext.DisplayName)} {problem}.",
                validationContext.MemberName is { } member ? [member] : null
            )
            : ValidationResult.Success;
}
