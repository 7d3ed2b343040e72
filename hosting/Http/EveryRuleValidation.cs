using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Relay.Hosting.Http;

/// <summary>
/// Options validation that reports every broken rule of a settings section at once. The framework's
/// <c>ValidateDataAnnotations</c> skips a type's own checks (<see cref="IValidatableObject"/>) once an
/// attribute fails, so an operator would fix one setting per start; here both run, and the failures
/// keep the framework's wording, which <see cref="ValidatedStart"/> turns into one line per setting.
/// </summary>
public sealed class EveryRuleValidation<[DynamicallyAccessedMembers(SettingSection.Read)] TOptions>(string? name)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? optionsName, TOptions options)
    {
        if (name is not null && name != optionsName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = EveryRule.FailuresOf(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The rule checks themselves, for a section checked outside the options pipeline.</summary>
public static class EveryRule
{
    /// <summary>Every broken rule of <paramref name="options"/>, in the framework's wording.</summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026",
        Justification = "The validator reads TOptions' properties and their attributes, which its annotation keeps."
    )]
    public static IReadOnlyList<string> FailuresOf<[DynamicallyAccessedMembers(SettingSection.Read)] TOptions>(
        TOptions options
    )
        where TOptions : class
    {
        var context = new ValidationContext(options, typeof(TOptions).Name, serviceProvider: null, items: null);
        var results = new List<ValidationResult>();
        if (
            !Validator.TryValidateObject(options, context, results, validateAllProperties: true)
            && options is IValidatableObject own
        )
        {
            results.AddRange(own.Validate(context));
        }

        return
        [
            .. results.Select(r =>
                $"DataAnnotation validation failed for '{typeof(TOptions).Name}' members: "
                + $"'{string.Join(",", r.MemberNames)}' with the error: '{r.ErrorMessage}'."
            ),
        ];
    }
}

/// <summary>Registers <see cref="EveryRuleValidation{TOptions}"/>.</summary>
public static class EveryRuleValidationExtensions
{
    /// <summary>Checks every rule of the options (attributes and the type's own), all reported at once.</summary>
    public static OptionsBuilder<TOptions> ValidateEveryRule<
        [DynamicallyAccessedMembers(SettingSection.Read)] TOptions
    >(this OptionsBuilder<TOptions> builder)
        where TOptions : class
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new EveryRuleValidation<TOptions>(builder.Name));
        return builder;
    }
}
