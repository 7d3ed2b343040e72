using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Contracts.Api;
using Relay.Server.Http;
using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>
/// The operations that bring clients up to date. Each only queues messages (one transaction) and
/// answers 202 with their ids; the sender delivers them.
/// </summary>
internal static class OperationsEndpoints
{
    public static void MapOperations(this IEndpointRouteBuilder app)
    {
        var all = app.MapGroup("/clients/all/personnel").WithTags("Operations");
        all.MapPut("/{personnelId}", SendOneToAll).WithName("SendOnePersonnelToAllClients")
            .WithSummary("Send one personnel to all clients.").ProducesProblem(StatusCodes.Status404NotFound);
        all.MapPut("/", SendAllToAll).WithName("SendAllPersonnelToAllClients")
            .WithSummary("Send all personnel to all clients.");
        all.MapDelete("/{personnelId}", DeleteOneFromAll).WithName("DeleteOnePersonnelFromAllClients")
            .WithSummary("Delete one personnel from all clients.").ProducesProblem(StatusCodes.Status404NotFound);
        all.MapDelete("/", DeleteAllFromAll).WithName("DeleteAllPersonnelFromAllClients")
            .WithSummary("Delete all personnel from all clients.");

        var one = app.MapGroup("/clients/{clientId}/personnel").WithTags("Operations");
        one.MapPut("/{personnelId}", SendOneToOne).WithName("SendOnePersonnelToOneClient")
            .WithSummary("Send one personnel to one client.").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapPut("/", SendAllToOne).WithName("SendAllPersonnelToOneClient")
            .WithSummary("Send all personnel to one client.").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapDelete("/{personnelId}", DeleteOneFromOne).WithName("DeleteOnePersonnelFromOneClient")
            .WithSummary("Delete one personnel from one client.").ProducesProblem(StatusCodes.Status404NotFound);
        one.MapDelete("/", DeleteAllFromOne).WithName("DeleteAllPersonnelFromOneClient")
            .WithSummary("Delete all personnel from one client.").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> SendOneToOne(
        OutboxWriter outbox, long clientId, long personnelId, CancellationToken ct) =>
        RunAsync(outbox, new Operation(clientId, personnelId, Delete: false), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> SendOneToAll(
        OutboxWriter outbox, long personnelId, CancellationToken ct) =>
        RunAsync(outbox, new Operation(null, personnelId, Delete: false), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> SendAllToAll(
        OutboxWriter outbox, CancellationToken ct) =>
        RunAsync(outbox, new Operation(null, null, Delete: false), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> SendAllToOne(
        OutboxWriter outbox, long clientId, CancellationToken ct) =>
        RunAsync(outbox, new Operation(clientId, null, Delete: false), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> DeleteOneFromOne(
        OutboxWriter outbox, long clientId, long personnelId, CancellationToken ct) =>
        RunAsync(outbox, new Operation(clientId, personnelId, Delete: true), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> DeleteOneFromAll(
        OutboxWriter outbox, long personnelId, CancellationToken ct) =>
        RunAsync(outbox, new Operation(null, personnelId, Delete: true), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> DeleteAllFromAll(
        OutboxWriter outbox, CancellationToken ct) =>
        RunAsync(outbox, new Operation(null, null, Delete: true), ct);

    private static Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> DeleteAllFromOne(
        OutboxWriter outbox, long clientId, CancellationToken ct) =>
        RunAsync(outbox, new Operation(clientId, null, Delete: true), ct);

    private static async Task<Results<Accepted<OperationAccepted>, ValidationProblem, ProblemHttpResult>> RunAsync(
        OutboxWriter outbox, Operation operation, CancellationToken ct)
    {
        var errors = Paging.ValidateIds([
            .. operation.ClientId is { } c ? [("clientId", c)] : Array.Empty<(string, long)>(),
            .. operation.PersonnelId is { } p ? [("personnelId", p)] : Array.Empty<(string, long)>(),
        ]);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await outbox.EnqueueAsync(operation, ct);
        if (result.Missing is { } what)
        {
            return Problems.NotFound(what, result.MissingId);
        }

        return TypedResults.Accepted((string?)null, new OperationAccepted(result.MessageIds));
    }
}
