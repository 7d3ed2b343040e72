namespace Relay.Contracts.Api;

/// <summary>The rule for ids in paths and queries: positive, as MySQL's auto-increment gives them.</summary>
public static class Ids
{
    /// <summary>Per-field errors for ids that must be positive, empty when all are.</summary>
    public static Dictionary<string, string[]> Validate(params (string Name, long Value)[] ids)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in ids.Where(i => i.Value <= 0))
        {
            errors[name] = [$"{name} must be a positive integer."];
        }

        return errors;
    }
}
