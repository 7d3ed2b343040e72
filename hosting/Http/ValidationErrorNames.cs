using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Relay.Hosting.Http;

/// <summary>
/// The framework's validation names a field by its C# member (<c>Limit</c>, <c>Name</c>); the
/// API's callers wrote <c>limit</c> and <c>name</c>, and every other problem names the field that way.
/// </summary>
internal static class ValidationErrorNames
{
    // The title the framework (and TypedResults.ValidationProblem) gives a list of field errors;
    // problems with a title of their own name what the caller typed (an unknown query parameter)
    // and are left as they are.
    private static readonly string ValidationTitle = new HttpValidationProblemDetails().Title!;

    public static void AsOnTheWire(ProblemDetailsContext context)
    {
        if (
            context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } problem
            && problem.Title == ValidationTitle
        )
        {
            problem.Errors = problem
                .Errors.GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key))
                .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());
        }
    }
}
