using System.ComponentModel;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Hosting.OpenApi;
using Relay.Server.Audit;
using Relay.Server.Database;
using Relay.Server.Http;

namespace Relay.Server.Personnel;

internal static class PersonnelEndpoints
{
    /// <summary>What <c>?propagate=</c> means, for the API description.</summary>
    public const string PropagateText =
        "false keeps the change on the server only: the clients that hold the personnel are not sent it (a verify will show them out of date).";

    private static readonly RequestExample Example = RequestExample.Json(
        new PersonnelRequest("Ada", "Lovelace", "18121052345")
    );

    public static void AddPersonnel(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<PersonnelChanges>();

    public static void MapPersonnel(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/personnel").WithTags("Personnel");
        group
            .MapGet("/", List)
            .WithName("ListPersonnel")
            .RequireAuthorization(ApiKeyPolicies.Read)
            .Audited()
            .WithSummary("List the server's personnel, by id; valid=true|false lists those valid (or not) now or at=.");
        group
            .MapPost("/", Create)
            .WithName("CreatePersonnel")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Add a personnel. Clients get it only when an operation sends it.")
            .WithRequestExamples(Example)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group
            .MapGet("/{id}", Get)
            .WithName("GetPersonnel")
            .RequireAuthorization(ApiKeyPolicies.Read)
            .Audited()
            .WithSummary("Get one personnel.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group
            .MapPut("/{id}", Update)
            .WithName("UpdatePersonnel")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary(
                "Change a personnel; the clients that hold it are updated (none gains it). propagate=false holds the edit back from the clients."
            )
            .WithRequestExamples(Example)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group
            .MapDelete("/{id}", Delete)
            .WithName("DeletePersonnel")
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary(
                "Remove a personnel from the server and from every client. propagate=false keeps the clients' copies."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<PersonnelRecord>>, ValidationProblem>> List(
        MySqlDataSource db,
        HttpContext http,
        TimeProvider time,
        [AsParameters] PageQuery page,
        [AsParameters] ValidityFilter validity,
        CancellationToken ct
    )
    {
        if (validity.Problem is { } problem)
        {
            return QueryProblems.BadQuery(problem, "at");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var items = await PersonnelRows.PageAsync(
            connection,
            null,
            page.After,
            page.Take,
            ct,
            validity.Condition,
            validity.ValidAt(time)
        );
        http.CountRowsRead(items.Count);
        return TypedResults.Ok(new Page<PersonnelRecord>(items, items.Count == page.Take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<PersonnelRecord>, ProblemHttpResult>> Get(
        MySqlDataSource db,
        HttpContext http,
        [Description("The personnel's id."), PositiveId] long id,
        CancellationToken ct
    )
    {
        var person = await FindAsync(db, id, ct);
        http.CountRowsRead(person is null ? 0 : 1);
        return person is null ? Problems.NotFound("Personnel", id) : TypedResults.Ok(person);
    }

    private static async Task<Results<Created<PersonnelRecord>, ProblemHttpResult>> Create(
        MySqlDataSource db,
        TimeProvider time,
        PersonnelRequest request,
        CancellationToken ct
    )
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var entered = request.ToRecord(0);
        try
        {
            var id = await connection.InsertAndGetIdAsync(
                """
                INSERT INTO personnel (name, surname, ssn, valid_from, valid_until, updated_at)
                VALUES (@Name, @Surname, @Ssn, @ValidFrom, @ValidUntil, @now)
                """,
                new
                {
                    entered.Name,
                    entered.Surname,
                    entered.Ssn,
                    entered.ValidFrom,
                    entered.ValidUntil,
                    now = time.GetUtcNow().UtcDateTime,
                },
                null,
                ct
            );
            return TypedResults.Created($"/personnel/{id}", entered with { Id = id });
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return SsnTaken(await HolderOfAsync(connection, request.Ssn!, ct));
        }
    }

    private static async Task<Results<Ok<PersonnelRecord>, ProblemHttpResult>> Update(
        PersonnelChanges changes,
        MySqlDataSource db,
        [Description("The personnel's id."), PositiveId] long id,
        PersonnelRequest request,
        [Description(PropagateText), DefaultValue(true)] bool? propagate,
        CancellationToken ct
    )
    {
        var change = await changes.UpdateAsync(id, request, propagate != false, ct);
        if (change.SsnTaken)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return SsnTaken(await HolderOfAsync(connection, request.Ssn!, ct));
        }

        return change.Found ? TypedResults.Ok(request.ToRecord(id)) : Problems.NotFound("Personnel", id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        PersonnelChanges changes,
        [Description("The personnel's id."), PositiveId] long id,
        [Description(PropagateText), DefaultValue(true)] bool? propagate,
        CancellationToken ct
    )
    {
        var change = await changes.DeleteAsync(id, propagate != false, ct);
        return change.Found ? TypedResults.NoContent() : Problems.NotFound("Personnel", id);
    }

    private static async Task<PersonnelRecord?> FindAsync(MySqlDataSource db, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PersonnelRecord>(
            new CommandDefinition(
                $"SELECT {PersonnelRows.Columns} FROM personnel WHERE id = @id",
                new { id },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// The 409 names the personnel that has the SSN (<c>existingId</c>), so a script that adds someone can
    /// run twice: the second time it learns the id it added the first time. Only a caller allowed to create
    /// personnel sees it, and it may read them all anyway.
    /// </summary>
    private static ProblemHttpResult SsnTaken(long? holder) =>
        Problems.Conflict(
            "Another personnel already has this SSN.",
            holder is null
                ? "SSNs are unique; the given SSN belongs to another personnel."
                : $"SSNs are unique; the given SSN belongs to personnel {holder} (existingId).",
            holder is null ? null : new Dictionary<string, object?> { ["existingId"] = holder },
            "ssn"
        );

    private static async Task<long?> HolderOfAsync(MySqlConnection connection, string ssn, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long?>(
            new CommandDefinition("SELECT id FROM personnel WHERE ssn = @ssn", new { ssn }, cancellationToken: ct)
        );
}
