using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Relay.Server.Http;

/// <summary>
/// Runs the data annotations of a request body. The same attributes describe the schema in the
/// OpenAPI document, so the documented rules and the enforced ones cannot drift apart.
/// </summary>
internal static class RequestValidation
{
    public static Dictionary<string, string[]> Validate<T>(T request) where T : notnull
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true);
        return results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : ["body"]).Select(m => (Member: JsonNamingPolicy.CamelCase.ConvertName(m), r.ErrorMessage ?? "Invalid value.")))
            .GroupBy(x => x.Member)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Item2).ToArray());
    }

    /// <summary>The error for a query value outside its fixed set, naming every allowed value.</summary>
    public static string[] NotOneOf(string field, IEnumerable<string> allowed) =>
        [$"{field} must be one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}."];
}
