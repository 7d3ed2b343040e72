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

    /// <summary>Asked to go as it was, but personnel it carries were edited since it was queued: it would put their
    /// old data back over whatever the client was sent since.</summary>
    PersonnelChanged,
}

/// <summary>A retry's outcome, and for <see cref="FailedMessageChange.PersonnelChanged"/> which personnel (the first
/// few, by id).</summary>
internal readonly record struct RetryOutcome(FailedMessageChange Change, IReadOnlyList<long>? Changed = null);

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
    public Task<RetryOutcome> RetryAsync(long id, bool currentData, CancellationToken ct) =>
        outbox.WriteAsync(OutboxTargets.Unordered, unit => RetryAsync(unit, id, currentData), ct);

    /// <summary>How many changed personnel a refused retry names.</summary>
    private const int ChangedNamed = 10;

    private static async Task<RetryOutcome> RetryAsync(OutboxTransaction unit, long id, bool currentData)
    {
        var (connection, tx, ct) = (unit.Connection, unit.Transaction, unit.CancellationToken);
        var message = await connection.QuerySingleOrDefaultAsync<Failed>(
            new CommandDefinition(
                """
                SELECT m.client_id AS ClientId, m.kind AS Kind, m.state AS State, COALESCE(m.payload, b.payload) AS Payload, m.created_at AS CreatedAt
                FROM messages m LEFT JOIN batches b ON b.id = m.batch_id WHERE m.id = @id FOR UPDATE
                """,
                new { id },
                tx,
                cancellationToken: ct
            )
        );
        if (message is not { State: MessageState.Failed })
        {
            return new(FailedMessageChange.NotFailed);
        }

        if (message.Payload is null)
        {
            return new(FailedMessageChange.PayloadMissing);
        }

        var body = ListPersonnel.Contains(message.Kind)
            ? JsonSerializer.Deserialize(message.Payload!, RelayJsonContext.Default.MessageBody)!
            : null;
        if (currentData && body is not null)
        {
            if (body.Part is not null)
            {
                return new(FailedMessageChange.StagedPart);
            }

            var current = await CurrentAsync(connection, tx, body.Personnel!, ct);
            if (current.Count == 0)
            {
                return new(FailedMessageChange.NothingLeft);
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
        else if (body is { Part: null, Personnel: { } carried })
        {
            // It keeps its place, behind whatever its client was sent since: a newer save of the same personnel may
            // already be there. Sent as it was, it would put the old data back over it. (Personnel deleted since are
            // the client's tombstones' to refuse; data that differed before it was queued is what the operator
            // retries as it was.)
            var edited = await CurrentAsync(connection, tx, carried, ct, editedSince: message.CreatedAt);
            var current = edited.ToDictionary(p => p.Id);
            var changed = carried
                .Where(p => current.TryGetValue(p.Id, out var now) && now != p)
                .Select(p => p.Id)
                .Order()
                .Take(ChangedNamed)
                .ToList();
            if (changed.Count > 0)
            {
                return new(FailedMessageChange.PersonnelChanged, changed);
            }
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
        return new(FailedMessageChange.Done);
    }

    /// <summary>What the register holds now for the personnel <paramref name="carried"/> names (only those edited at
    /// or after <paramref name="editedSince"/>, when given).</summary>
    private static async Task<List<PersonnelRecord>> CurrentAsync(
        MySqlConnection connection,
        MySqlTransaction tx,
        IReadOnlyList<PersonnelRecord> carried,
        CancellationToken ct,
        DateTime? editedSince = null
    ) =>
        (
            await connection.QueryAsync<PersonnelRecord>(
                new CommandDefinition(
                    $"SELECT {PersonnelRows.Columns} FROM personnel "
                        + "WHERE id IN @ids AND (@editedSince IS NULL OR updated_at >= @editedSince) ORDER BY id",
                    new { ids = carried.Select(p => p.Id).ToList(), editedSince },
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();

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

    private sealed record Failed(long? ClientId, string Kind, MessageState State, string? Payload, DateTime CreatedAt);
}
