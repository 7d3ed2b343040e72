using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>How an operation call answers, beyond 200 and 202 with the operation.</summary>
internal static class OperationAnswers
{
    /// <summary>An operation as it stands at its commit: nothing received yet (done at once when it queued
    /// nothing).</summary>
    public static OperationStatus AsQueued(StoredOperation operation, int clients, long messages)
    {
        var counts = new MessageCounts(messages, messages, 0, 0);
        var done = messages == 0 ? clients : 0;
        return new OperationStatus(
            operation.Id,
            operation.Kind,
            new(operation.ClientId, operation.PersonnelId),
            OperationStatus.StateOf(counts),
            operation.CreatedAt,
            new ClientCounts(clients, done, clients - done, 0),
            counts
        );
    }

    /// <summary>
    /// 409: the operation settled, but some client refused a message for good. Problem details, with
    /// the operation's own fields beside them, so <c>.state</c> and <c>.clients</c> read the same in
    /// every answer, and <c>instance</c> pointing at it.
    /// </summary>
    public static ProblemHttpResult Refused(OperationStatus status, string location) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "A client refused the operation.",
            detail: $"{status.Clients.Failed} of {status.Clients.Total} clients refused a message for good; {location}/clients?state=failed names them, "
                + "with each one's error. Once the cause is fixed, retry their failed messages (POST /messages/{id}/retry).",
            instance: location,
            extensions: new Dictionary<string, object?>
            {
                ["id"] = status.Id,
                ["kind"] = status.Kind,
                ["target"] = status.Target,
                ["state"] = status.State,
                ["createdAt"] = status.CreatedAt,
                ["clients"] = status.Clients,
                ["messages"] = status.Messages,
            }
        );
}
