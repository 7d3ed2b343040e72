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
        Conflict(title, detail, null, fields);

    /// <summary>A 409 with more to say than the fields (<paramref name="extensions"/>).</summary>
    public static ProblemHttpResult Conflict(
        string title,
        string detail,
        IDictionary<string, object?>? extensions,
        params string[] fields
    )
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>());
        if (fields.Length > 0)
        {
            all["errors"] = fields.ToDictionary(f => f, _ => new[] { detail });
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: title,
            detail: detail,
            extensions: all.Count == 0 ? null : all
        );
    }
}
