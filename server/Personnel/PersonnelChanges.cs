using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Database;
using Relay.Server.Outbox;
using Relay.Server.Verification;

namespace Relay.Server.Personnel;

/// <summary>What an edit or a removal on the server did: whether the personnel was there, and what it queued for the clients.</summary>
internal sealed record PersonnelChange(bool Found, IReadOnlyList<long> MessageIds, bool SsnTaken = false);

/// <summary>
/// Edits and removals of the server's personnel, with their propagation queued in the same
/// transaction: a removed personnel is deleted from every client, an edited one is updated on the
/// clients that hold it (and added to none). Unless held back, the register and the sites cannot
/// disagree for longer than delivery takes.
/// </summary>
internal sealed class PersonnelChanges(MySqlDataSource db, OutboxWriter outbox, TimeProvider time)
{
    public Task<PersonnelChange> UpdateAsync(long id, PersonnelRequest request, bool propagate, CancellationToken ct) =>
        Transactions.RetryDeadlocksAsync(() => ChangeAsync(propagate, async (connection, tx) =>
        {
            var found = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                UPDATE personnel SET name = @Name, surname = @Surname, ssn = @Ssn, updated_at = @now WHERE id = @id;
                SELECT COUNT(*) FROM personnel WHERE id = @id;
                """, new { id, request.Name, request.Surname, request.Ssn, now = time.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
            return found == 0 ? null : new MessageBody(MessageKind.Update, Personnel: [new PersonnelRecord(id, request.Name!, request.Surname!, request.Ssn!)]);
        }, ct));

    public Task<PersonnelChange> DeleteAsync(long id, bool propagate, CancellationToken ct) =>
        Transactions.RetryDeadlocksAsync(() => ChangeAsync(propagate, async (connection, tx) =>
        {
            var deleted = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM personnel WHERE id = @id", new { id }, tx, cancellationToken: ct));
            if (deleted == 0)
            {
                return null;
            }

            await Holdings.RemovedFromServerAsync(connection, tx, id, ct);
            return new MessageBody(MessageKind.Delete, PersonnelIds: [id]);
        }, ct));

    /// <summary>Runs the change after locking the clients (the order every queuing transaction follows), then queues its message to all of them.</summary>
    private async Task<PersonnelChange> ChangeAsync(bool propagate, Func<MySqlConnection, MySqlTransaction, Task<MessageBody?>> change, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var clientIds = propagate ? await OutboxWriter.LockClientsAsync(connection, tx, clientId: null, ct) : [];
        MessageBody? body;
        try
        {
            body = await change(connection, tx);
        }
        catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return new PersonnelChange(Found: true, [], SsnTaken: true);
        }

        if (body is null)
        {
            return new PersonnelChange(Found: false, []);
        }

        var ids = await outbox.QueueAsync(connection, tx, clientIds, body, ct);
        await tx.CommitOrExplainAsync(ct);
        outbox.Committed(clientIds, ids.Count);
        return new PersonnelChange(Found: true, ids);
    }
}
