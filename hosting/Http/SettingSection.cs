using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace Relay.Hosting.Http;

/// <summary>
/// One of a daemon's own settings sections and the options type it binds to: start-up names a key no option reads
/// and a value the option cannot take, and checks the rules of every section at once.
/// </summary>
public sealed class SettingSection
{
    /// <summary>What the start-up's checks read of an options type: kept when the daemon is trimmed (Native
    /// AOT).</summary>
    public const DynamicallyAccessedMemberTypes Read =
        DynamicallyAccessedMemberTypes.PublicProperties
        | DynamicallyAccessedMemberTypes.NonPublicProperties
        | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    private readonly Func<IConfiguration, IReadOnlyList<string>> _failures;

    private SettingSection(
        string name,
        [DynamicallyAccessedMembers(Read)] Type type,
        Func<IConfiguration, IReadOnlyList<string>> failures
    ) => (Name, Type, _failures) = (name, type, failures);

    /// <summary>The section's name: <c>Client</c>, <c>Delivery</c>.</summary>
    public string Name { get; }

    /// <summary>The options type it binds to.</summary>
    [DynamicallyAccessedMembers(Read)]
    public Type Type { get; }

    /// <summary>
    /// The section <paramref name="name"/>, bound as <typeparamref name="TOptions"/> by <paramref name="bind"/>
    /// (<c>c => c.Get&lt;TOptions&gt;()</c> at the caller, where the binder's source generator sees the type).
    /// </summary>
    public static SettingSection Of<[DynamicallyAccessedMembers(Read)] TOptions>(
        string name,
        Func<IConfiguration, TOptions?> bind
    )
        where TOptions : class, new() =>
        new(name, typeof(TOptions), c => EveryRule.FailuresOf(bind(c.GetSection(name)) ?? new TOptions()));

    /// <summary>Every broken rule of the section as configured, in the framework's wording.</summary>
    public IReadOnlyList<string> FailuresIn(IConfiguration configuration) => _failures(configuration);
}
