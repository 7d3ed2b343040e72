using Dapper;
using MySqlConnector;
using Relay.Contracts.Protocol;
using Relay.Server.Database;

namespace Relay.Server.Delivery;

/// <summary>
/// What a client says it applied last, held against what this database has issued. A client past
/// every id issued, or one whose last message has an id this database gave to another message
/// still queued for it, holds changes the database has lost: it was restored from an older
/// backup, or a cluster lost commits it had acknowledged. Relay says so (log, <c>GET /clients</c>)
/// until a verify finds the client in sync, and moves its id counter past the client's position,
/// so that what it issues from now on is new to the client in order as well as by uid. (A message
/// already delivered and its status swept cannot be compared: such a loss goes unnoticed here,
/// and verify is the check.)
/// </summary>
internal sealed partial class ClientPositions(MySqlDataSource db, TimeProvider time, ILogger<ClientPositions> logger)
{
    public async Task CheckAsync(long clientId, (long? Id, string? Uid) lastApplied, CancellationToken ct)
    {
        if (lastApplied is not ({ } held, var uid) || !DeliverFrame.IsWellFormedUid(uid))
        {
            return;
        }

        await using var connection = await db.OpenConnectionAsync(ct);

        // What the client says it holds is its position, whatever the database thinks of it.
        await connection.ExecuteAsync(
            new CommandDefinition(
                "UPDATE clients SET applied_position = @held, applied_position_at = @now WHERE id = @clientId",
                new
                {
                    held,
                    clientId,
                    now = time.GetUtcNow().UtcDateTime,
                },
                cancellationToken: ct
            )
        );
        var next = await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT next_id FROM outbox_sequence WHERE name = 'messages'", cancellationToken: ct)
        );
        var ours =
            held < next
                ? await connection.ExecuteScalarAsync<string?>(
                    new CommandDefinition(
                        "SELECT uid FROM messages WHERE id = @held AND (client_id = @clientId OR client_id IS NULL)",
                        new { held, clientId },
                        cancellationToken: ct
                    )
                )
                : null;
        if (held < next && (ours is null || ours == uid))
        {
            return;
        }

        LogAhead(logger, clientId, held, next - 1);
        await connection.ExecuteEachAsync(
            new
            {
                clientId,
                held,
                next = held + 1,
                now = time.GetUtcNow().UtcDateTime,
            },
            null,
            ct,
            "UPDATE outbox_sequence SET next_id = GREATEST(next_id, @next) WHERE name = 'messages'",
            "UPDATE clients SET ahead_position = @held, ahead_since = COALESCE(ahead_since, @now) WHERE id = @clientId"
        );
    }

    [LoggerMessage(
        EventId = 3018,
        Level = LogLevel.Warning,
        Message = "Client {ClientId} has applied message {ClientPosition}, which this database does not know (it has issued ids up to {Issued}): the database lost changes the client holds (restored from an older backup, or commits a cluster lost). Verify the client (GET /clients/{ClientId}/verify) and decide what it should hold."
    )]
    private static partial void LogAhead(ILogger logger, long clientId, long clientPosition, long issued);
}
