using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Server.Http;
using Relay.Server.Messages;
using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>
/// Stored operations: where each stands, which clients are behind or refused (with why), and its
/// messages, each list paged so that no answer grows with the fleet.
/// </summary>
internal static class OperationStatusEndpoints
{
    /// <summary>Operations listed per page: the page costs three queries, whatever it holds.</summary>
    public const int MaxOperationsPerPage = 100;

    private const int DefaultOperationsPerPage = 20;

    /// <summary>Unfinished clients shown in an operation's own answer; the rest are a page away.</summary>
    private const int UnfinishedPreview = 20;

    private const string DefaultClientFilter = "unfinished";

    private const string IdText = "The operation's id (from the Location of the call that queued it).";

    public static void MapOperationStatus(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/operations").WithTags("Operations").RequireAuthorization(ApiKeyPolicies.Status);
        group
            .MapGet("/", List)
            .WithName("ListOperations")
            .WithSummary("Recent operations, newest first, each with how far it has come.");
        group
            .MapGet("/{id}", Get)
            .WithName("GetOperation")
            .WithSummary("Where an operation stands, with its failed and still pending clients first.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group
            .MapGet("/{id}/clients", Clients)
            .WithName("ListOperationClients")
            .WithSummary(
                "An operation's clients, by client id: unfinished (failed or pending, the default), failed, pending, done or all; each with its last error."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
        group
            .MapGet("/{id}/messages", Messages)
            .WithName("ListOperationMessages")
            .WithSummary(
                "The messages an operation queued (a broadcast is one message for all its clients; a client's failed copy of one is listed too), by id."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<OperationsPage>> List(
        OperationProgress progress,
        [
            Description(Paging.LimitText),
            Range(1, MaxOperationsPerPage, ErrorMessage = Paging.LimitError),
            DefaultValue(DefaultOperationsPerPage)
        ]
            int? limit,
        [Description(Paging.BeforeIdText), PositiveId] long? beforeId,
        CancellationToken ct
    )
    {
        var take = limit ?? DefaultOperationsPerPage;
        var items = await progress.StatusesAsync(await progress.RecentAsync(beforeId, take, ct), ct);

        return TypedResults.Ok(new OperationsPage(items, items.Count == take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<OperationDetail>, ProblemHttpResult>> Get(
        OperationProgress progress,
        [Description(IdText), PositiveId] long id,
        CancellationToken ct
    )
    {
        if (await progress.FindWithBroadcastsAsync(id, ct) is not var (operation, broadcasts))
        {
            return Problems.NotFound("Operation", id);
        }

        var status = await progress.StatusAsync(operation, broadcasts, ct);
        var unfinished = await progress.ClientsAsync(
            operation,
            broadcasts,
            OperationClientFilter.Unfinished,
            afterId: 0,
            UnfinishedPreview,
            ct
        );
        return TypedResults.Ok(
            new OperationDetail(
                status.Id,
                status.Kind,
                status.Target,
                status.State,
                status.CreatedAt,
                status.Clients,
                status.Messages,
                unfinished
            )
        );
    }

    private static async Task<Results<Ok<Page<OperationClient>>, ProblemHttpResult>> Clients(
        OperationProgress progress,
        [Description(IdText), PositiveId] long id,
        [
            Description("Which clients: unfinished (failed or pending), failed, pending, done or all."),
            OneOf<OperationClientFilter>,
            DefaultValue(DefaultClientFilter)
        ]
            string? state,
        [AsParameters] PageQuery page,
        CancellationToken ct
    )
    {
        var filter = state is null ? OperationClientFilter.Unfinished : WireNames.Parse<OperationClientFilter>(state);
        if (await progress.FindWithBroadcastsAsync(id, ct) is not var (operation, broadcasts))
        {
            return Problems.NotFound("Operation", id);
        }

        return TypedResults.Ok(await progress.ClientsAsync(operation, broadcasts, filter, page.After, page.Take, ct));
    }

    private static async Task<Results<Ok<Page<MessageStatus>>, ProblemHttpResult>> Messages(
        OperationProgress progress,
        MySqlDataSource db,
        [Description(IdText), PositiveId] long id,
        [AsParameters] PageQuery page,
        CancellationToken ct
    )
    {
        if (await progress.FindAsync(id, ct) is null)
        {
            return Problems.NotFound("Operation", id);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (
            await connection.QueryAsync<MessageStatus>(
                new CommandDefinition(
                    $"""
                    (SELECT {MessageStatus.OutboxColumns} FROM messages WHERE operation_id = @id AND id > @after ORDER BY id LIMIT @take)
                    UNION ALL
                    (SELECT {MessageStatus.DeliveredColumns} FROM delivered_messages WHERE operation_id = @id AND id > @after ORDER BY id LIMIT @take)
                    ORDER BY Id LIMIT @take
                    """,
                    new
                    {
                        id,
                        after = page.After,
                        take = page.Take,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
        return TypedResults.Ok(new Page<MessageStatus>(items, items.Count == page.Take ? items[^1].Id : null));
    }
}
