using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Client.Storage;
using Relay.Contracts.Personnel;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;

namespace Relay.Client.Personnel;

/// <summary>Read-only view of what this client holds. Nothing here changes data: only the inbox does.</summary>
internal static class PersonnelEndpoints
{
    private const string OpenReadsNote =
        "With `Client:OpenReads` on, anyone who reaches the port may read (SSNs included); it is off by default.";

    private const string ValidityNote =
        "A personnel with a validity window is shown only inside it (validFrom inclusive, validUntil exclusive, UTC), so "
        + "an expired contractor drops off a site however long it has been cut off from the server.";

    public static void MapPersonnel(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personnel").WithTags("Personnel").RequireAuthorization(ApiKeyPolicies.Read);
        group
            .MapGet("/", List)
            .WithName("ListPersonnel")
            .WithSummary(
                "List the personnel this client holds and who are valid now (or at= a time, or all=true), by id."
            )
            .WithDescription($"{ValidityNote} {OpenReadsNote}");
        group
            .MapGet("/{id}", Get)
            .WithName("GetPersonnel")
            .WithSummary("Get one personnel this client holds, when valid now (or at= a time, or with all=true).")
            .WithDescription($"{ValidityNote} {OpenReadsNote}")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<PersonnelRecord>>, ValidationProblem>> List(
        PersonnelStore store,
        TimeProvider time,
        [AsParameters] PageQuery page,
        [AsParameters] ValidityQuery validity,
        CancellationToken ct
    )
    {
        if (validity.Problem is { } problem)
        {
            return QueryProblems.BadQuery(problem, "at");
        }

        var items = await store.ListAsync(page.After, page.Take, validity.ValidAt(time), ct);
        return TypedResults.Ok(new Page<PersonnelRecord>(items, items.Count == page.Take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<PersonnelRecord>, ValidationProblem, ProblemHttpResult>> Get(
        PersonnelStore store,
        TimeProvider time,
        [Description("The personnel's id."), PositiveId] long id,
        [AsParameters] ValidityQuery validity,
        CancellationToken ct
    )
    {
        if (validity.Problem is { } problem)
        {
            return QueryProblems.BadQuery(problem, "at");
        }

        var person = await store.FindAsync(id, ct);
        if (person is null)
        {
            return NotHeld($"This client holds no personnel with id {id}.");
        }

        return validity.ValidAt(time) is { } at && !person.IsValidAt(at)
            ? NotHeld(
                $"This client holds personnel {id}, but not valid at {ValidityWindow.Format(at)} (valid from "
                    + $"{Shown(person.ValidFrom)} until {Shown(person.ValidUntil)}); all=true shows it."
            )
            : TypedResults.Ok(person);
    }

    private static string Shown(DateTime? end) => end is { } e ? ValidityWindow.Format(e) : "-";

    private static ProblemHttpResult NotHeld(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Personnel not found.", detail: detail);
}
