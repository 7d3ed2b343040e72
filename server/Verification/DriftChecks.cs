using System.Text.Json;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Polly;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Delivery;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Server.Verification;

/// <summary>
/// Runs a verify or sync when it reaches the head of its client's queue, over the sender's own
/// connection and resilience pipeline: compare by digests, record the result, and for a sync send
/// only the rows that differ as one staged patch, applied by the client in one transaction.
/// </summary>
internal sealed class DriftChecks(
    MySqlDataSource db,
    DeliveryQueue queue,
    Verifications verifications,
    IOptions<OutboxOptions> outboxOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider time
) : IQueuedChecks
{
    public bool IsCheck(string kind) => Verifications.IsCheck(kind);

    public async Task RunAsync(
        ClientConnection connection,
        PendingMessage check,
        ResiliencePipeline<IReadOnlyList<Frame>> pipeline,
        CancellationToken ct
    )
    {
        var target = await ClientTarget.LoadAsync(db, check.ClientId, check.Id, ct);
        if (target.SupersededBy is { } later)
        {
            await verifications.EndedAsync(
                check.Id,
                VerificationState.Superseded,
                $"Message {later}, queued after this {check.Kind}, redefines the client's whole table.",
                ct
            );
            await queue.MarkDeliveredAsync([check], ct);
            return;
        }

        Drift? drift = null;
        long? rowsSent = null;
        NackFrame? refused = null;
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(DeliveryPipelines.MessageKey, check);
        try
        {
            await pipeline.ExecuteAsync(
                async ctx =>
                {
                    drift = await DriftFinder.FindAsync(
                        connection,
                        check.Host,
                        check.Port,
                        target,
                        time.GetUtcNow().UtcDateTime,
                        ctx.CancellationToken
                    );
                    if (check.Kind == Verifications.Sync && !drift.InSync)
                    {
                        (rowsSent, refused) = await PatchAsync(connection, check, target, drift, ctx.CancellationToken);
                    }

                    return (IReadOnlyList<Frame>)[];
                },
                context
            );
        }
        catch (DigestRefusedException e)
        {
            refused = new NackFrame(check.Id, Permanent: true, e.Message);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (refused is not null)
        {
            await queue.MarkFailedAsync(check, refused.Reason, ct);
            await verifications.EndedAsync(check.Id, VerificationState.Failed, refused.Reason, ct);
            return;
        }

        await verifications.JudgedAsync(check.Id, drift!, check.Kind == Verifications.Sync ? rowsSent ?? 0 : null, ct);
        await queue.MarkDeliveredAsync([check], ct);
    }

    /// <summary>Sends the difference as the parts of one patch; returns the rows sent, or the client's
    /// refusal.</summary>
    private async Task<(long Sent, NackFrame? Refused)> PatchAsync(
        ClientConnection connection,
        PendingMessage check,
        ClientTarget target,
        Drift drift,
        CancellationToken ct
    )
    {
        var upserts = drift.Missing.Concat(drift.Different).Order().Select(id => target.Rows[id]).ToList();
        var parts = Parts(upserts, drift.Extra, outboxOptions.Value.BatchSize);
        var setId = DeliverFrame.NewUid();
        var frames = parts
            .Select(
                (part, i) =>
                    check with
                    {
                        // Each part is its own delivery; a sync run again after a crash recomputes the difference and
                        // stages a new set.
                        Uid = DeliverFrame.NewUid(),
                        Payload = JsonSerializer.SerializeToUtf8Bytes(
                            new MessageBody(
                                MessageKind.Patch,
                                part.Upserts,
                                part.Deletes,
                                new StagedPart(setId, i + 1, parts.Count)
                            ),
                            RelayJsonContext.Default.MessageBody
                        ),
                    }
            )
            .ToList();

        foreach (var window in frames.Chunk(Math.Max(1, deliveryOptions.Value.Window)))
        {
            var replies = await connection.ExchangeAsync(check.Host, check.Port, window, ct);
            if (replies[^1] is NackFrame { Permanent: false } retry)
            {
                throw new TransientRefusalException(retry.Reason);
            }

            if (replies.OfType<NackFrame>().FirstOrDefault() is { } refusal)
            {
                return (0, refusal);
            }
        }

        return (upserts.Count + drift.Extra.Count, null);
    }

    private static List<(IReadOnlyList<PersonnelRecord>? Upserts, IReadOnlyList<long>? Deletes)> Parts(
        List<PersonnelRecord> upserts,
        IReadOnlyList<long> deletes,
        int size
    )
    {
        var parts = upserts
            .Chunk(size)
            .Select(c => ((IReadOnlyList<PersonnelRecord>?)c, (IReadOnlyList<long>?)null))
            .ToList();
        parts.AddRange(
            deletes.Chunk(size).Select(c => ((IReadOnlyList<PersonnelRecord>?)null, (IReadOnlyList<long>?)c))
        );
        return parts;
    }
}
