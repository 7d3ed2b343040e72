using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Client.Storage;
using Relay.Contracts.Api;
using Relay.Contracts.Auth;
using Relay.Contracts.Personnel;

namespace Relay.Client.Personnel;

/// <summary>Read-only view of what this client holds. Nothing here changes data: only the inbox does.</summary>
internal static class PersonnelEndpoints
{
    private const string OpenReadsNote = "With `Client:OpenReads` on, anyone who reaches the port may read (SSNs included); it is off by default.";

    public static void MapPersonnel(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personnel").WithTags("Personnel").RequireAuthorization(ApiKeyPolicies.Read);
        group.MapGet("/", List).WithName("ListPersonnel")
            .WithSummary("List the personnel this client holds, by id.")
            .WithDescription(OpenReadsNote);
        group.MapGet("/{id}", Get).WithName("GetPersonnel")
            .WithSummary("Get one personnel this client holds.")
            .WithDescription(OpenReadsNote)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<PersonnelRecord>>, ValidationProblem>> List(
        PersonnelStore store,
        [Description(Paging.LimitText), Range(1, Paging.MaxLimit), DefaultValue(Paging.DefaultLimit)] int? limit,
        [Description(Paging.AfterIdText)] long? afterId,
        CancellationToken ct)
    {
        var errors = Paging.Validate(limit, afterId);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var take = limit ?? Paging.DefaultLimit;
        var items = await store.ListAsync(afterId ?? 0, take, ct);
        return TypedResults.Ok(new Page<PersonnelRecord>(items, items.Count == take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<PersonnelRecord>, ValidationProblem, ProblemHttpResult>> Get(
        PersonnelStore store, [Description("The personnel's id.")] long id, CancellationToken ct)
    {
        var errors = Ids.Validate(("id", id));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var person = await store.FindAsync(id, ct);
        return person is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Personnel not found.", detail: $"This client holds no personnel with id {id}.")
            : TypedResults.Ok(person);
    }
}
