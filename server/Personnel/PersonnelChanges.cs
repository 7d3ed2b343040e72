using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Database;
using Relay.Server.Operations;
using Relay.Server.Outbox;
using Relay.Server.Verification;

namespace Relay.Server.Personnel;

/// <summary>What an edit or a removal on the server did: whether the personnel was there, and what it queued for the clients.</summary>
internal sealed record PersonnelChange(bool Found, bool SsnTaken = false);

/// <summary>
/// Edits and removals of the server's personnel, with their propagation queued in the same
/// transaction: a removed personnel is deleted from every client, an edited one is updated on the
/// clients that hold it (and added to none). Unless held back, the register and the sites cannot
/// disagree for longer than delivery takes.
/// </summary>
internal sealed class PersonnelChanges(MySqlDataSource db, OutboxWriter outbox, Transactions transactions, TimeProvider time)
{
    public Task<PersonnelChange> UpdateAsync(long id, PersonnelRequest request, bool propagate, CancellationToken ct) =>
        transactions.RetryDeadlocksAsync(() => ChangeAsync(id, propagate ? OperationKinds.Update : null, async (connection, tx) =>
        {
            // Rows found, not changed (MySqlConnector's default): an edit to the same values still finds its row.
            var found = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE personnel SET name = @Name, surname = @Surname, ssn = @Ssn, updated_at = @now WHERE id = @id",
                new { id, request.Name, request.Surname, request.Ssn, now = time.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
            return found == 0 ? null : new MessageBody(MessageKind.Update, Personnel: [new PersonnelRecord(id, request.Name!, request.Surname!, request.Ssn!)]);
        }, ct), ct);

    public Task<PersonnelChange> DeleteAsync(long id, bool propagate, CancellationToken ct) =>
        transactions.RetryDeadlocksAsync(() => ChangeAsync(id, propagate ? OperationKinds.Remove : null, async (connection, tx) =>
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM personnel WHERE id = @id", new { id }, tx, cancellationToken: ct));
            if (deleted == 0)
            {
                return null;
            }

            await Holdings.RemovedFromServerAsync(connection, tx, id, ct);
            return new MessageBody(MessageKind.Delete, PersonnelIds: [id]);
        }, ct), ct);

    /// <summary>
    /// Runs the change after claiming the message counter (the order every queuing transaction follows),
    /// then, unless held back (<paramref name="operationKind"/> null), queues its message to all of
    /// them as an operation of that kind: one broadcast row, whatever the number of clients.
    /// </summary>
    private async Task<PersonnelChange> ChangeAsync(long id, string? operationKind, Func<MySqlConnection, MySqlTransaction, Task<MessageBody?>> change, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var clientIds = operationKind is not null ? await OutboxWriter.ClaimTargetsAsync(connection, tx, clientId: null, ct) : [];
        MessageBody? body;
        try
        {
            body = await change(connection, tx);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return new PersonnelChange(Found: true, SsnTaken: true);
        }

        if (body is null)
        {
            return new PersonnelChange(Found: false);
        }

        if (operationKind is null)
        {
            await tx.CommitOrExplainAsync(ct);
            return new PersonnelChange(Found: true);
        }

        var operation = await outbox.StartOperationAsync(connection, tx, operationKind, clientId: null, personnelId: id, clientIds, ct);
        var rows = await outbox.BroadcastAsync(connection, tx, clientIds, body, operation.Id, ct);
        await tx.CommitOrExplainAsync(ct);
        outbox.Committed(clientIds, rows.Count * clientIds.Count);
        return new PersonnelChange(Found: true);
    }
}
