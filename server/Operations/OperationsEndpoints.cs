using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Server.Audit;
using Relay.Server.Database;
using Relay.Server.Http;
using Relay.Server.Outbox;
using OperationAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<Relay.Server.Operations.OperationStatus>,
    Microsoft.AspNetCore.Http.HttpResults.Ok<Relay.Server.Operations.OperationPreview>,
    Microsoft.AspNetCore.Http.HttpResults.Accepted<Relay.Server.Operations.OperationStatus>,
    Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult
>;

namespace Relay.Server.Operations;

/// <summary>
/// The operations that bring clients up to date. Each is stored and queues its messages (one
/// transaction), and answers 202 with the operation (<c>Location: /operations/{id}</c>); the
/// sender delivers them. With <c>?wait=SECONDS</c> the call answers when the operation is settled:
/// 200 when every client acknowledged everything, 409 when a client refused a message for good,
/// and 202 (still pending) when the time is up.
/// </summary>
internal static class OperationsEndpoints
{
    public const string DryRunText =
        "true: answer what the operation would do (clients, messages, rows, bytes; for a deletion the rows each client "
        + "holds that would go) and queue nothing.";

    public static void MapOperations(this IEndpointRouteBuilder app)
    {
        // 409 only with ?wait: the operation settled with a client refusing a message for good.
        var all = app.MapGroup("/clients/all/personnel")
            .WithTags("Operations")
            .RequireAuthorization(ApiKeyPolicies.Operate)
            .ProducesProblem(StatusCodes.Status409Conflict);
        all.MapPut("/{personnelId}", SendOneToAll)
            .WithName("SendOnePersonnelToAllClients")
            .WithSummary("Send one personnel to all clients.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        all.MapPut("/", SendAllToAll)
            .WithName("SendAllPersonnelToAllClients")
            .WithSummary(
                "Send all personnel to all clients; with replace=true each client ends up holding exactly them, with sync=true too but sending only the rows that differ."
            );
        all.MapDelete("/{personnelId}", DeleteOneFromAll)
            .WithName("DeleteOnePersonnelFromAllClients")
            .WithSummary("Delete one personnel from all clients, also one the server no longer has.");
        all.MapDelete("/", DeleteAllFromAll)
            .WithName("DeleteAllPersonnelFromAllClients")
            .WithSummary("Delete all personnel from all clients.");

        var one = app.MapGroup("/clients/{clientId}/personnel")
            .WithTags("Operations")
            .RequireAuthorization(ApiKeyPolicies.Operate)
            .ProducesProblem(StatusCodes.Status409Conflict);
        one.MapPut("/{personnelId}", SendOneToOne)
            .WithName("SendOnePersonnelToOneClient")
            .WithSummary("Send one personnel to one client.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapPut("/", SendAllToOne)
            .WithName("SendAllPersonnelToOneClient")
            .WithSummary(
                "Send all personnel to one client; with replace=true it ends up holding exactly them (reinitialise), with sync=true too but sending only the rows that differ (repair)."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapDelete("/{personnelId}", DeleteOneFromOne)
            .WithName("DeleteOnePersonnelFromOneClient")
            .WithSummary("Delete one personnel from one client, also one the server no longer has.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        one.MapDelete("/", DeleteAllFromOne)
            .WithName("DeleteAllPersonnelFromOneClient")
            .WithSummary("Delete all personnel from one client.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Task<OperationAnswer> SendOneToOne(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description("The client's id."), PositiveId] long clientId,
        [Description("The personnel's id."), PositiveId] long personnelId,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        [Description(DryRunText), DefaultValue(false)] bool? dryRun,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            dryRun == true,
            new Operation(clientId, personnelId, Delete: false),
            wait,
            ct
        );

    private static Task<OperationAnswer> SendOneToAll(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description("The personnel's id."), PositiveId] long personnelId,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        [Description(DryRunText), DefaultValue(false)] bool? dryRun,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            dryRun == true,
            new Operation(null, personnelId, Delete: false),
            wait,
            ct
        );

    private static Task<OperationAnswer> SendAllToAll(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [AsParameters] SendAllQuery query,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            query.DryRun == true,
            new Operation(null, null, Delete: false, Replace: query.Replace == true, Sync: query.Sync == true),
            query.Wait,
            ct
        );

    private static Task<OperationAnswer> SendAllToOne(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description("The client's id."), PositiveId] long clientId,
        [AsParameters] SendAllQuery query,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            query.DryRun == true,
            new Operation(clientId, null, Delete: false, Replace: query.Replace == true, Sync: query.Sync == true),
            query.Wait,
            ct
        );

    private static Task<OperationAnswer> DeleteOneFromOne(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description("The client's id."), PositiveId] long clientId,
        [Description("The personnel's id."), PositiveId] long personnelId,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        [Description(DryRunText), DefaultValue(false)] bool? dryRun,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            dryRun == true,
            new Operation(clientId, personnelId, Delete: true),
            wait,
            ct
        );

    private static Task<OperationAnswer> DeleteOneFromAll(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description("The personnel's id."), PositiveId] long personnelId,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        [Description(DryRunText), DefaultValue(false)] bool? dryRun,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            dryRun == true,
            new Operation(null, personnelId, Delete: true),
            wait,
            ct
        );

    private static Task<OperationAnswer> DeleteAllFromAll(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        [Description(DryRunText), DefaultValue(false)] bool? dryRun,
        CancellationToken ct
    ) =>
        RunAsync(http, operations, previews, waiter, dryRun == true, new Operation(null, null, Delete: true), wait, ct);

    private static Task<OperationAnswer> DeleteAllFromOne(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        [Description("The client's id."), PositiveId] long clientId,
        [Description(WaitSecondsAttribute.Text), WaitSeconds, DefaultValue(0)] int? wait,
        [Description(DryRunText), DefaultValue(false)] bool? dryRun,
        CancellationToken ct
    ) =>
        RunAsync(
            http,
            operations,
            previews,
            waiter,
            dryRun == true,
            new Operation(clientId, null, Delete: true),
            wait,
            ct
        );

    private static async Task<OperationAnswer> RunAsync(
        HttpContext http,
        OperationQueue operations,
        OperationPreviews previews,
        OperationWaiter waiter,
        bool dryRun,
        Operation operation,
        int? wait,
        CancellationToken ct
    )
    {
        if (operation is { Replace: true, Sync: true })
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    ["sync"] =
                    [
                        "sync and replace cannot both be true: replace sends every row, sync only those that differ.",
                    ],
                }
            );
        }

        if (dryRun)
        {
            AuditNotes.Add(http, "dryRun=true");
            var (preview, missing, missingId) = await previews.PreviewAsync(operation, ct);
            return preview is null ? Problems.NotFound(missing!, missingId) : TypedResults.Ok(preview);
        }

        // The widest change there is: its answer and its audit record say how far it reached, counted as it is queued.
        RowsThatGo? reached = null;
        if (operation is { Delete: true, PersonnelId: null })
        {
            var (reach, _, _) = await previews.PreviewAsync(operation, ct);
            if (reach?.Removes is { } removes)
            {
                reached = removes;
                AuditNotes.Add(http, $"removes={removes.Total} rows from {removes.Clients} clients");
            }
        }

        var queued = await operations.EnqueueAsync(operation, ct);
        if (queued.Operation is not { } stored)
        {
            return Problems.NotFound(queued.Missing!, queued.MissingId);
        }

        var location = $"/operations/{stored.Id}";

        // As queued: the answer costs no further query, and is the truth at the commit.
        var asQueued = OperationAnswers.AsQueued(stored, queued.Clients, queued.Messages) with { Removes = reached };
        if (wait is not > 0)
        {
            return TypedResults.Accepted(location, asQueued);
        }

        OperationStatus status;
        try
        {
            status = await waiter.WaitAsync(stored, TimeSpan.FromSeconds(wait.Value), ct);
        }
        catch (Exception e) when (MySqlFaults.IsUnavailable(e))
        {
            // The operation is queued (committed); only its progress cannot be read. A 503 would
            // invite the caller to send it again, so the answer is what is known: accepted.
            return TypedResults.Accepted(location, asQueued);
        }

        status = status with { Removes = reached };
        return status.State switch
        {
            OperationState.Delivered => TypedResults.Ok(status),
            OperationState.Failed => OperationAnswers.Refused(status, location),
            _ => TypedResults.Accepted(location, status),
        };
    }
}
