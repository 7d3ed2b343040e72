using System.Collections.Frozen;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Database;
using Relay.Server.Outbox;
using Relay.Server.Personnel;

namespace Relay.Server.Messages;

/// <summary>What a retry or a discard of a failed message came to.</summary>
internal enum FailedMessageChange
{
    Done,

    /// <summary>No failed message has this id: it is pending, delivered, or unknown (the caller looks where it
    /// is).</summary>
    NotFailed,

    /// <summary>Current data was asked for, but none of its personnel is on the server any more.</summary>
    NothingLeft,

    /// <summary>Current data was asked for a part of a staged change, which is only whole with its other
    /// parts.</summary>
    StagedPart,

    /// <summary>Its payload is gone (a batch lost before the foreign key kept batches): there is nothing to send
    /// again.</summary>
    PayloadMissing,
}

/// <summary>
/// What an operator does about a message a client refused for good: queue it again (as it was, or
/// rebuilt from the personnel's data now, after fixing what the client refused), or discard it.
/// </summary>
internal sealed class FailedMessages(MySqlDataSource db, OutboxWriter outbox)
{
    /// <summary>The kinds whose body lists personnel: the ones current data can be put back into.</summary>
    private static readonly FrozenSet<string> ListPersonnel = new[]
    {
        MessageKind.Save,
        MessageKind.Update,
        MessageKind.Replace,
        MessageKind.Patch,
    }
        .Select(kind => kind.ToName())
        .ToFrozenSet();

    /// <summary>
    /// Queues a failed message again, in its place: it keeps its id, so it goes before anything its
    /// client was sent after it, and takes no new place in the order.
    /// </summary>
    public Task<FailedMessageChange> RetryAsync(long id, bool currentData, CancellationToken ct) =>
        outbox.WriteAsync(OutboxTargets.Unordered, unit => RetryAsync(unit, id, currentData), ct);

    private static async Task<FailedMessageChange> RetryAsync(OutboxTransaction unit, long id, bool currentData)
    {
        var (connection, tx, ct) = (unit.Connection, unit.Transaction, unit.CancellationToken);
        var message = await connection.QuerySingleOrDefaultAsync<Failed>(
            new CommandDefinition(
                """
                SELECT m.client_id AS ClientId, m.kind AS Kind, m.state AS State, COALESCE(m.payload, b.payload) AS Payload
                FROM messages m LEFT JOIN batches b ON b.id = m.batch_id WHERE m.id = @id FOR UPDATE
                """,
                new { id },
                tx,
                cancellationToken: ct
            )
        );
        if (message is not { State: MessageState.Failed })
        {
            return FailedMessageChange.NotFailed;
        }

        if (message.Payload is null)
        {
            return FailedMessageChange.PayloadMissing;
        }

        if (currentData && ListPersonnel.Contains(message.Kind))
        {
            var body = JsonSerializer.Deserialize(message.Payload!, RelayJsonContext.Default.MessageBody)!;
            if (body.Part is not null)
            {
                return FailedMessageChange.StagedPart;
            }

            var ids = body.Personnel!.Select(p => p.Id).ToList();
            var current = (
                await connection.QueryAsync<PersonnelRecord>(
                    new CommandDefinition(
                        $"SELECT {PersonnelRows.Columns} FROM personnel WHERE id IN @ids ORDER BY id",
                        new { ids },
                        tx,
                        cancellationToken: ct
                    )
                )
            ).AsList();
            if (current.Count == 0)
            {
                return FailedMessageChange.NothingLeft;
            }

            // Its own payload now, and a new uid: this is not the message the client refused.
            var rebuilt = body with { Personnel = current };
            await connection.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE messages SET payload = @payload, batch_id = NULL, item_count = @count, uid = @uid WHERE id = @id
                    """,
                    new
                    {
                        id,
                        payload = JsonSerializer.Serialize(rebuilt, RelayJsonContext.Default.MessageBody),
                        count = rebuilt.ItemCount,
                        uid = DeliverFrame.NewUid(),
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        }

        // A verify or sync refused before is judged afresh when it runs again.
        await connection.ExecuteEachAsync(
            new { id },
            tx,
            ct,
            $"UPDATE messages SET state = '{MessageStates.Pending}' WHERE id = @id",
            "UPDATE verifications SET state = 'pending', judged_at = NULL, note = NULL WHERE message_id = @id AND state = 'failed'"
        );
        unit.Wake(message.ClientId!.Value);
        return FailedMessageChange.Done;
    }

    /// <summary>
    /// Removes a failed message, so the client's failed count can return to 0. What it carried never
    /// reaches the client; a verify of that client shows the difference.
    /// </summary>
    /// <returns>False when no failed message has this id.</returns>
    public async Task<bool> DiscardAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(
                new CommandDefinition(
                    $"DELETE FROM messages WHERE id = @id AND state = '{MessageStates.Failed}'",
                    new { id },
                    cancellationToken: ct
                )
            ) > 0;
    }

    private sealed record Failed(long? ClientId, string Kind, MessageState State, string? Payload);
}
