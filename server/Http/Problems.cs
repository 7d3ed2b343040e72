using Microsoft.AspNetCore.Http.HttpResults;

namespace Relay.Server.Http;

internal static class Problems
{
    public static ProblemHttpResult NotFound(string what, long id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: $"{what} not found.",
            detail: $"There is no {what.ToLowerInvariant()} with id {id}."
        );

    /// <summary>A 409; <paramref name="fields"/> names the fields whose values clash, as 400s name theirs.</summary>
    public static ProblemHttpResult Conflict(string title, string detail, params string[] fields) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: title,
            detail: detail,
            extensions: fields.Length == 0
                ? null
                : new Dictionary<string, object?> { ["errors"] = fields.ToDictionary(f => f, _ => new[] { detail }) }
        );
}
