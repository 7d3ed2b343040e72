using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using MySqlConnector;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Server.Http;
using Relay.Server.Outbox;

namespace Relay.Server.Messages;

internal static class MessagesEndpoints
{
    public static void MapMessages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/messages").WithTags("Messages");
        group
            .MapGet("/", List)
            .WithName("ListMessages")
            .RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("List messages still in the outbox (pending by default, or failed), oldest first.");
        group
            .MapGet("/{id}", Get)
            .WithName("GetMessage")
            .RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("Where one message is: pending with attempts and last error, failed, or delivered and when.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group
            .MapPost("/{id}/retry", Retry)
            .WithName("RetryMessage")
            .RequireAuthorization(ApiKeyPolicies.Operate)
            .WithSummary(
                "Queue a failed message again, as it was or (current=true) with its personnel's data now; later messages already went on."
            )
            .WithDescription(
                """
                After fixing what the client refused, `current=true` rebuilds a save or update from the personnel's current data
                (those removed from the server since are left out). Sent as it was, a save whose personnel changed since it
                was queued would put their old data back over what the client was sent since: that answers 409 naming them,
                and `current=true` is the way. With `wait=SECONDS` the call answers when the client has answered: 200
                delivered, 409 refused again (with its reason), or 202 if the time ran out.
                """
            )
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group
            .MapDelete("/{id}", Discard)
            .WithName("DiscardMessage")
            .RequireAuthorization(ApiKeyPolicies.Operate)
            .WithSummary(
                "Discard a failed message: it never reaches its client, and the client's failed count drops; a verify of the client shows what it lacks."
            )
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<MessageStatus>, Accepted<MessageStatus>, ProblemHttpResult>> Retry(
        MySqlDataSource db,
        FailedMessages failed,
        MessageWaiter waiter,
        [Description("The message's id."), PositiveId] long id,
        [Description("true rebuilds the message from its personnel's data now; false or none sends it as it was.")]
            bool? current,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        CancellationToken ct
    )
    {
        var outcome = await failed.RetryAsync(id, current == true, ct);
        switch (outcome.Change)
        {
            case FailedMessageChange.NotFailed:
                return await FindAsync(db, id, ct) is { } other
                    ? Problems.Conflict(
                        "Only a failed message can be retried.",
                        $"Message {id} is {WireNames.Of(other.State)}."
                    )
                    : Problems.NotFound("Message", id);
            case FailedMessageChange.NothingLeft:
                return Problems.Conflict(
                    "Nothing is left to send.",
                    $"None of the personnel of message {id} is on the server any more; discard it (DELETE /messages/{id})."
                );
            case FailedMessageChange.PayloadMissing:
                return Problems.Conflict(
                    "The message cannot be sent again.",
                    $"What message {id} carried is no longer stored; discard it (DELETE /messages/{id}) and verify the client."
                );
            case FailedMessageChange.PersonnelChanged:
                return Problems.Conflict(
                    "The personnel it carries changed since it was queued.",
                    $"Personnel {string.Join(", ", outcome.Changed!)} of message {id} changed since it was queued; sent as it was, it would put their old data back on the client over what it "
                        + $"was sent since. Retry it with current=true (POST /messages/{id}/retry?current=true) to send "
                        + $"what the register holds now, or discard it (DELETE /messages/{id})."
                );
            case FailedMessageChange.StagedPart:
                return Problems.Conflict(
                    "A part of a staged change cannot be rebuilt alone.",
                    $"Message {id} is one part of a replace or sync; retry it as it was, or run the operation again."
                );
        }

        if (wait is > 0)
        {
            await waiter.WaitForMessagesAsync([id], TimeSpan.FromSeconds(wait.Value), ct);
        }

        // Discarded meanwhile, should the client have refused it again at once.
        if (await FindAsync(db, id, ct) is not { } status)
        {
            return Problems.NotFound("Message", id);
        }

        return status.State switch
        {
            MessageState.Delivered when wait is > 0 => TypedResults.Ok(status),
            MessageState.Failed when wait is > 0 => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The client refused the message again.",
                detail: status.LastError,
                instance: $"/messages/{id}",
                extensions: new Dictionary<string, object?> { ["message"] = status }
            ),
            _ => TypedResults.Accepted($"/messages/{id}", status),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Discard(
        MySqlDataSource db,
        FailedMessages failed,
        [Description("The message's id."), PositiveId] long id,
        CancellationToken ct
    )
    {
        if (await failed.DiscardAsync(id, ct))
        {
            return TypedResults.NoContent();
        }

        return await FindAsync(db, id, ct) is { } other
            ? Problems.Conflict(
                "Only a failed message can be discarded.",
                $"Message {id} is {WireNames.Of(other.State)}; it is not for an operator to drop."
            )
            : Problems.NotFound("Message", id);
    }

    private static async Task<Ok<Page<MessageStatus>>> List(
        MySqlDataSource db,
        [Description("Only this client's messages."), PositiveId] long? clientId,
        [
            Description("Which messages: pending (still to be delivered) or failed (refused by the client for good)."),
            OneOf(MessageStates.Pending, MessageStates.Failed),
            DefaultValue(MessageStates.Pending)
        ]
            string? state,
        [AsParameters] PageQuery page,
        CancellationToken ct
    )
    {
        state ??= MessageStates.Pending;
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (
            await connection.QueryAsync<MessageStatus>(
                new CommandDefinition(
                    $"""
                    SELECT {MessageStatus.OutboxColumns} FROM messages
                    WHERE state = @state AND id > @after
                      AND (@clientId IS NULL OR client_id = @clientId
                           OR (client_id IS NULL AND audience_upto >= @clientId AND id > (SELECT broadcast_position FROM clients WHERE id = @clientId)))
                    ORDER BY id LIMIT @take
                    """,
                    new
                    {
                        state,
                        after = page.After,
                        clientId,
                        take = page.Take,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
        return TypedResults.Ok(new Page<MessageStatus>(items, items.Count == page.Take ? items[^1].Id : null));
    }

    private static async Task<Results<Ok<MessageStatus>, ProblemHttpResult>> Get(
        MySqlDataSource db,
        [Description("The message's id."), PositiveId] long id,
        CancellationToken ct
    )
    {
        var status = await FindAsync(db, id, ct);
        return status is null ? Problems.NotFound("Message", id) : TypedResults.Ok(status);
    }

    private static async Task<MessageStatus?> FindAsync(MySqlDataSource db, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<MessageStatus>(
            new CommandDefinition(
                $"""
                SELECT {MessageStatus.OutboxColumns} FROM messages WHERE id = @id
                UNION ALL
                SELECT {MessageStatus.DeliveredColumns} FROM delivered_messages WHERE id = @id
                LIMIT 1
                """,
                new { id },
                cancellationToken: ct
            )
        );
    }
}
