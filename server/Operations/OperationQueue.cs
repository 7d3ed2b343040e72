using Dapper;
using Microsoft.Extensions.Options;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;
using Relay.Server.Personnel;
using Relay.Server.Verification;

namespace Relay.Server.Operations;

/// <summary>
/// Turns an operation into outbox rows, in one <see cref="OutboxTransaction"/>. The operation's
/// snapshot of the personnel is taken inside that transaction, so what is queued is what existed
/// at the call.
/// </summary>
internal sealed class OperationQueue(OutboxWriter outbox, IOptions<OutboxOptions> options)
{
    public Task<EnqueueResult> EnqueueAsync(Operation operation, CancellationToken ct) =>
        outbox.WriteAsync(
            operation.ClientId is { } one ? OutboxTargets.Client(one) : OutboxTargets.All,
            unit => EnqueueAsync(unit, operation),
            ct
        );

    private async Task<EnqueueResult> EnqueueAsync(OutboxTransaction unit, Operation operation)
    {
        if (operation.ClientId is { } wanted && unit.ClientIds.Count == 0)
        {
            unit.Discard();
            return EnqueueResult.NotFound("Client", wanted);
        }

        var stored = await unit.StartOperationAsync(operation.Kind, operation.PersonnelId);
        if (operation.Sync)
        {
            await Verifications.QueueAsync(unit, Verifications.Sync, stored.Id);
        }
        else
        {
            await foreach (var body in BodiesAsync(unit, operation))
            {
                if (body is null)
                {
                    unit.Discard();
                    return EnqueueResult.NotFound("Personnel", operation.PersonnelId!.Value);
                }

                await unit.QueueAsync(body, stored.Id);
            }
        }

        await RecordHoldingsAsync(unit, operation);
        return new EnqueueResult(stored, unit.ClientIds.Count, unit.Messages);
    }

    /// <summary>What the clients should hold after the operation (see <see cref="Holdings"/>).</summary>
    private static async Task RecordHoldingsAsync(OutboxTransaction unit, Operation operation)
    {
        switch (operation)
        {
            case { PersonnelId: { } one, Delete: false }:
                await unit.Holdings.SentOneAsync(operation.ClientId, one);
                break;
            case { PersonnelId: { } one, Delete: true }:
                await unit.Holdings.DeletedOneAsync(operation.ClientId, one);
                break;
            case { Delete: true }:
                await unit.Holdings.DeletedAllAsync(operation.ClientId);
                break;
            default:
                var upto = await unit.Holdings.HighestPersonnelIdAsync();
                await unit.Holdings.SentAllAsync(
                    operation.ClientId,
                    upto,
                    exactly: operation.Replace || operation.Sync
                );
                break;
        }
    }

    /// <summary>The message bodies of the operation, in order; null means the named personnel does not exist.</summary>
    private async IAsyncEnumerable<MessageBody?> BodiesAsync(OutboxTransaction unit, Operation operation)
    {
        var (connection, tx, ct) = (unit.Connection, unit.Transaction, unit.CancellationToken);
        if (operation.PersonnelId is { } deleted && operation.Delete)
        {
            // Deleting from clients needs no row on the server: the personnel may be gone from it already.
            yield return new MessageBody(MessageKind.Delete, PersonnelIds: [deleted]);
            yield break;
        }

        if (operation.PersonnelId is { } personnelId)
        {
            var person = await connection.QuerySingleOrDefaultAsync<PersonnelRecord>(
                new CommandDefinition(
                    $"SELECT {PersonnelRows.Columns} FROM personnel WHERE id = @personnelId",
                    new { personnelId },
                    tx,
                    cancellationToken: ct
                )
            );
            yield return person is null ? null : new MessageBody(MessageKind.Save, Personnel: [person]);
            yield break;
        }

        if (operation.Delete)
        {
            yield return new MessageBody(MessageKind.DeleteAll);
            yield break;
        }

        // Keyset pages keep memory bounded however many personnel there are.
        var batchSize = options.Value.BatchSize;
        var parts = 0;
        var setId = Guid.NewGuid().ToString("N");
        if (operation.Replace)
        {
            // Counted in the same snapshot as the pages below, so the last part is known in advance.
            var count = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM personnel", transaction: tx, cancellationToken: ct)
            );
            parts = (int)Math.Max(1, (count + batchSize - 1) / batchSize);
        }

        long after = 0;
        for (var part = 1; ; part++)
        {
            var page = await PersonnelRows.PageAsync(connection, tx, after, batchSize, ct);
            if (operation.Replace)
            {
                yield return new MessageBody(
                    MessageKind.Replace,
                    Personnel: page,
                    Part: new StagedPart(setId, part, parts)
                );
                if (part >= parts)
                {
                    yield break;
                }
            }
            else if (page.Count == 0)
            {
                yield break;
            }
            else
            {
                yield return new MessageBody(MessageKind.Save, Personnel: page);
            }

            after = page.Count > 0 ? page[^1].Id : after;
        }
    }
}
