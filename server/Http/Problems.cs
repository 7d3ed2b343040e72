using Microsoft.AspNetCore.Http.HttpResults;

namespace Relay.Server.Http;

internal static class Problems
{
    public static ProblemHttpResult NotFound(string what, long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found.", detail: $"There is no {what.ToLowerInvariant()} with id {id}.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);
}
