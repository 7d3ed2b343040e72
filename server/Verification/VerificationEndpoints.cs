using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Relay.Hosting.Api;
using Relay.Hosting.Auth;
using Relay.Server.Auth;
using Relay.Server.Database;
using Relay.Server.Http;
using Relay.Server.Outbox;

namespace Relay.Server.Verification;

/// <summary>
/// Whether clients hold exactly what they should. Each call queues a comparison behind the
/// client's pending messages and answers 202 with it; with <c>?wait=SECONDS</c> it answers 200
/// once judged. Only digests cross the network (see <c>contracts/PROTOCOL.md</c>). Although a
/// GET, it needs the API key: it makes the server and the client work.
/// </summary>
internal static class VerificationEndpoints
{
    public static void MapVerification(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("Verification");
        group
            .MapGet("/clients/{clientId}/verify", VerifyOne)
            .WithName("VerifyClient")
            .RequireAuthorization(ApiKeyPolicies.KeyedRead)
            .Expensive()
            .WithSummary(
                "Compare what one client holds with what it should hold, after every message queued for it before this call."
            )
            .ProducesProblem(StatusCodes.Status404NotFound);
        group
            .MapGet("/clients/all/verify", VerifyAll)
            .WithName("VerifyAllClients")
            .RequireAuthorization(ApiKeyPolicies.KeyedRead)
            .Expensive()
            .WithSummary(
                "Compare every client; with wait, a CI check: inSync is true only when every client holds exactly what it should."
            );
        group
            .MapGet("/verifications/{id}", Get)
            .WithName("GetVerification")
            .RequireAuthorization(ApiKeyPolicies.Status)
            .WithSummary("One verification or sync: pending, or what it found.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<
        Results<Ok<VerificationResult>, Accepted<VerificationResult>, ProblemHttpResult>
    > VerifyOne(
        Verifications verifications,
        MessageWaiter waiter,
        [Description("The client's id."), PositiveId] long clientId,
        [
            Description(
                "Seconds to wait for the verdict before answering. 0 or none answers at once with 202 and the queued check."
            ),
            WaitSeconds,
            DefaultValue(0)
        ]
            int? wait,
        CancellationToken ct
    )
    {
        if (await verifications.RequestAsync(clientId, ct) is not [var queued])
        {
            return Problems.NotFound("Client", clientId);
        }

        var result = (await WaitAsync(verifications, waiter, [queued], wait, ct))[0];
        return result.State == VerificationState.Pending
            ? TypedResults.Accepted($"/verifications/{result.Id}", result)
            : TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<FleetVerification>, Accepted<FleetVerification>>> VerifyAll(
        Verifications verifications,
        MessageWaiter waiter,
        [
            Description(
                "Seconds to wait for the verdict before answering. 0 or none answers at once with 202 and the queued check."
            ),
            WaitSeconds,
            DefaultValue(0)
        ]
            int? wait,
        CancellationToken ct
    )
    {
        var results = await WaitAsync(verifications, waiter, (await verifications.RequestAsync(null, ct))!, wait, ct);
        var pending = results.Count(r => r.State == VerificationState.Pending);
        var drifted = results.Count(r => r.InSync == false || r.State == VerificationState.Failed);
        var fleet = new FleetVerification(
            drifted > 0 ? false
                : pending > 0 ? null
                : true,
            results.Count,
            results.Count(r => r.State == VerificationState.Judged),
            drifted,
            pending,
            results
        );
        return pending > 0 ? TypedResults.Accepted((string?)null, fleet) : TypedResults.Ok(fleet);
    }

    private static async Task<Results<Ok<VerificationResult>, ProblemHttpResult>> Get(
        Verifications verifications,
        [Description("The verification's id (from the answer of the verify call)."), PositiveId] long id,
        CancellationToken ct
    )
    {
        return await verifications.FindAsync(id, ct) is { } found
            ? TypedResults.Ok(found)
            : Problems.NotFound("Verification", id);
    }

    /// <summary>Waits (when asked) until the checks have run, then reads them again.</summary>
    private static async Task<IReadOnlyList<VerificationResult>> WaitAsync(
        Verifications verifications,
        MessageWaiter waiter,
        IReadOnlyList<VerificationResult> queued,
        int? wait,
        CancellationToken ct
    )
    {
        if (wait is not > 0 || queued.Count == 0)
        {
            return queued;
        }

        try
        {
            var messageIds = queued.Select(q => q.MessageId!.Value).ToList();
            await waiter.WaitForMessagesAsync(messageIds, TimeSpan.FromSeconds(wait.Value), ct);
            return await verifications.ForMessagesAsync(messageIds, ct);
        }
        catch (Exception e) when (MySqlFaults.IsUnavailable(e))
        {
            // Queued (committed) already; only the outcome cannot be read now.
            return queued;
        }
    }
}
