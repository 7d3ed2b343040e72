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

    public static void MapPersonnel(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personnel").WithTags("Personnel").RequireAuthorization(ApiKeyPolicies.Read);
        group
            .MapGet("/", List)
            .WithName("ListPersonnel")
            .WithSummary("List the personnel this client holds, by id.")
            .WithDescription(OpenReadsNote);
        group
            .MapGet("/{id}", Get)
            .WithName("GetPersonnel")
            .WithSummary("Get one personnel this client holds.")
            .WithDescription(OpenReadsNote)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<Page<PersonnelRecord>>> List(
        PersonnelStore store,
        [AsParameters] PageQuery page,
        CancellationToken ct
    )
    {
        var items = await store.ListAsync(page.After, page.Take, ct);
        return TypedResults.Ok(new Page<PersonnelRecord>(items, items.Count == page.Take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<PersonnelRecord>, ProblemHttpResult>> Get(
        PersonnelStore store,
        [Description("The personnel's id."), PositiveId] long id,
        CancellationToken ct
    )
    {
        var person = await store.FindAsync(id, ct);
        return person is null
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Personnel not found.",
                detail: $"This client holds no personnel with id {id}."
            )
            : TypedResults.Ok(person);
    }
}
