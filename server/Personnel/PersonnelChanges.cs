using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Outbox;

namespace Relay.Server.Personnel;

/// <summary>What an edit or a removal on the server did: whether the personnel was there, and what it queued for the
/// clients.</summary>
internal sealed record PersonnelChange(bool Found, bool SsnTaken = false);

/// <summary>
/// Edits and removals of the server's personnel, with their propagation queued in the same
/// transaction: a removed personnel is deleted from every client, an edited one is updated on the
/// clients that hold it (and added to none). Unless held back, the register and the sites cannot
/// disagree for longer than delivery takes.
/// </summary>
internal sealed class PersonnelChanges(OutboxWriter outbox, TimeProvider time)
{
    public Task<PersonnelChange> UpdateAsync(long id, PersonnelRequest request, bool propagate, CancellationToken ct) =>
        ChangeAsync(
            propagate ? OperationKinds.Update : null,
            id,
            async unit =>
            {
                var entered = request.ToRecord(id);
                // Rows found, not changed (MySqlConnector's default): an edit to the same values still finds its row.
                var found = await unit.Connection.ExecuteAsync(
                    new CommandDefinition(
                        """
                        UPDATE personnel SET name = @Name, surname = @Surname, ssn = @Ssn, valid_from = @ValidFrom,
                            valid_until = @ValidUntil, updated_at = @now
                        WHERE id = @Id
                        """,
                        new
                        {
                            entered.Id,
                            entered.Name,
                            entered.Surname,
                            entered.Ssn,
                            entered.ValidFrom,
                            entered.ValidUntil,
                            now = time.GetUtcNow().UtcDateTime,
                        },
                        unit.Transaction,
                        cancellationToken: unit.CancellationToken
                    )
                );
                return found == 0 ? null : new MessageBody(MessageKind.Update, Personnel: [entered]);
            },
            ct
        );

    public Task<PersonnelChange> DeleteAsync(long id, bool propagate, CancellationToken ct) =>
        ChangeAsync(
            propagate ? OperationKinds.Remove : null,
            id,
            async unit =>
            {
                var deleted = await unit.Connection.ExecuteAsync(
                    new CommandDefinition(
                        "DELETE FROM personnel WHERE id = @id",
                        new { id },
                        unit.Transaction,
                        cancellationToken: unit.CancellationToken
                    )
                );
                if (deleted == 0)
                {
                    return null;
                }

                await unit.Holdings.RemovedFromServerAsync(id);
                return new MessageBody(MessageKind.Delete, PersonnelIds: [id]);
            },
            ct
        );

    /// <summary>
    /// Runs the change and, unless held back (<paramref name="operationKind"/> null), queues its
    /// message to every client as an operation of that kind: one broadcast row, whatever the number
    /// of clients. A change that is held back takes no place in the queue's order.
    /// </summary>
    private Task<PersonnelChange> ChangeAsync(
        string? operationKind,
        long id,
        Func<OutboxTransaction, Task<MessageBody?>> change,
        CancellationToken ct
    ) =>
        outbox.WriteAsync(
            operationKind is null ? OutboxTargets.Unordered : OutboxTargets.All,
            async unit =>
            {
                MessageBody? body;
                try
                {
                    body = await change(unit);
                }
                catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                {
                    unit.Discard();
                    return new PersonnelChange(Found: true, SsnTaken: true);
                }

                if (body is null)
                {
                    unit.Discard();
                    return new PersonnelChange(Found: false);
                }

                if (operationKind is not null)
                {
                    var operation = await unit.StartOperationAsync(operationKind, personnelId: id);
                    await unit.QueueAsync(body, operation.Id);
                }

                return new PersonnelChange(Found: true);
            },
            ct
        );
}
