using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Relay.Hosting.Api;

/// <summary>What both APIs answer when query parameters each valid alone do not go together.</summary>
public static class QueryProblems
{
    /// <summary>A 400 shaped as validation's (<paramref name="field"/> in <c>errors</c>), so a 400 has one schema
    /// whatever went wrong.</summary>
    public static ValidationProblem BadQuery(string detail, string field) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [detail] },
            detail: detail,
            title: "Bad query."
        );
}
