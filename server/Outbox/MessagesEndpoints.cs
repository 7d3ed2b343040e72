using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Contracts.Api;
using Relay.Contracts.Auth;
using Relay.Server.Http;

namespace Relay.Server.Outbox;

internal static class MessagesEndpoints
{
    public static void MapMessages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/messages").WithTags("Messages");
        group.MapGet("/", List).WithName("ListMessages").RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("List messages still in the outbox (pending by default, or failed), oldest first.");
        group.MapGet("/{id}", Get).WithName("GetMessage").RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("Where one message is: pending with attempts and last error, failed, or delivered and when.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/retry", Retry).WithName("RetryMessage").RequireAuthorization(ApiKeyPolicies.Operate)
            .WithSummary("Queue a failed message again (after fixing what the client refused); later messages already went on.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Accepted<MessageStatus>, ValidationProblem, ProblemHttpResult>> Retry(
        MySqlDataSource db, OutboxReader outbox, long id, CancellationToken ct)
    {
        var errors = Paging.ValidateIds(("id", id));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!await outbox.RetryFailedAsync(id, ct))
        {
            return await FindAsync(db, id, ct) is { } status
                ? Problems.Conflict("Only a failed message can be retried.", $"Message {id} is {status.State}.")
                : Problems.NotFound("Message", id);
        }

        return TypedResults.Accepted($"/messages/{id}", (await FindAsync(db, id, ct))!);
    }

    private static async Task<Results<Ok<Page<MessageStatus>>, ValidationProblem>> List(
        MySqlDataSource db, long? clientId, string? state, int? limit, long? afterId, CancellationToken ct)
    {
        var errors = Paging.Validate(limit, afterId);
        if (clientId is <= 0)
        {
            errors["clientId"] = ["clientId must be a positive integer."];
        }

        state ??= "pending";
        if (state is not ("pending" or "failed"))
        {
            errors["state"] = ["state must be 'pending' or 'failed'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var take = limit ?? Paging.DefaultLimit;
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (await connection.QueryAsync<MessageStatus>(new CommandDefinition($"""
            SELECT {MessageStatus.OutboxColumns} FROM messages
            WHERE state = @state AND id > @after
              AND (@clientId IS NULL OR client_id = @clientId
                   OR (client_id IS NULL AND audience_upto >= @clientId AND id > (SELECT broadcast_position FROM clients WHERE id = @clientId)))
            ORDER BY id LIMIT @take
            """, new { state, after = afterId ?? 0, clientId, take }, cancellationToken: ct))).AsList();
        return TypedResults.Ok(new Page<MessageStatus>(items, items.Count == take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<MessageStatus>, ValidationProblem, ProblemHttpResult>> Get(
        MySqlDataSource db, long id, CancellationToken ct)
    {
        var errors = Paging.ValidateIds(("id", id));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var status = await FindAsync(db, id, ct);
        return status is null ? Problems.NotFound("Message", id) : TypedResults.Ok(status);
    }

    private static async Task<MessageStatus?> FindAsync(MySqlDataSource db, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<MessageStatus>(new CommandDefinition($"""
            SELECT {MessageStatus.OutboxColumns} FROM messages WHERE id = @id
            UNION ALL
            SELECT {MessageStatus.DeliveredColumns} FROM delivered_messages WHERE id = @id
            LIMIT 1
            """, new { id }, cancellationToken: ct));
    }
}
