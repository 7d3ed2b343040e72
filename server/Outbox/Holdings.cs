using Dapper;
using MySqlConnector;
using Relay.Server.Database;

namespace Relay.Server.Outbox;

/// <summary>
/// What each client should hold, kept as every operation is queued (inside its transaction), so a
/// verify knows the target without a row per client and personnel. A client holds every personnel
/// with an id up to its watermark (<c>client_watermarks</c>, set by "send all"), corrected by
/// exceptions (<c>client_holdings</c>: sent one by one above the watermark, or deleted below it).
/// The cost grows with the operations that name single personnel, never with clients × personnel.
/// Written only inside an <see cref="OutboxTransaction"/>, so what a client should hold changes in
/// the same commit as the messages that make it so.
/// The watermarks live apart from <c>clients</c>, whose rows every acknowledgement updates: on a
/// cluster, an operation writing the same rows as another node's acknowledgements would fail
/// certification again and again.
/// </summary>
internal sealed class Holdings(MySqlConnection connection, MySqlTransaction tx, CancellationToken ct)
{
    /// <summary>
    /// One personnel sent: covered by the watermark it needs no row, above it it becomes an
    /// exception. When the client then holds every personnel up to it (the usual case: a new hire
    /// sent to sites that were sent everyone), the watermark moves up instead and the exceptions
    /// it covers go, so sending newcomers one by one costs no rows.
    /// </summary>
    public Task SentOneAsync(long? clientId, long personnelId) =>
        connection.ExecuteEachAsync(
            new { clientId, personnelId },
            tx,
            ct,
            """
            DELETE h FROM client_holdings h JOIN client_watermarks w ON w.client_id = h.client_id
            WHERE h.personnel_id = @personnelId AND w.holds_all_upto >= @personnelId AND (@clientId IS NULL OR w.client_id = @clientId)
            """,
            """
            INSERT INTO client_holdings (client_id, personnel_id, held)
            SELECT c.id, @personnelId, TRUE FROM clients c LEFT JOIN client_watermarks w ON w.client_id = c.id
            WHERE (w.holds_all_upto IS NULL OR w.holds_all_upto < @personnelId) AND (@clientId IS NULL OR c.id = @clientId)
            ON DUPLICATE KEY UPDATE held = TRUE
            """,
            """
            UPDATE client_watermarks w SET w.holds_all_upto = @personnelId
            WHERE w.holds_all_upto < @personnelId AND (@clientId IS NULL OR w.client_id = @clientId)
              AND NOT EXISTS (
                SELECT 1 FROM personnel p
                WHERE p.id > w.holds_all_upto AND p.id < @personnelId
                  AND NOT EXISTS (SELECT 1 FROM client_holdings h WHERE h.client_id = w.client_id AND h.personnel_id = p.id AND h.held))
            """,
            """
            DELETE h FROM client_holdings h JOIN client_watermarks w ON w.client_id = h.client_id
            WHERE h.held AND h.personnel_id <= w.holds_all_upto AND (@clientId IS NULL OR w.client_id = @clientId)
            """
        );

    /// <summary>One personnel deleted from clients: below the watermark it is an exception, above it the row
    /// goes.</summary>
    public Task DeletedOneAsync(long? clientId, long personnelId) =>
        connection.ExecuteEachAsync(
            new { clientId, personnelId },
            tx,
            ct,
            """
            DELETE h FROM client_holdings h LEFT JOIN client_watermarks w ON w.client_id = h.client_id
            WHERE h.personnel_id = @personnelId AND (w.holds_all_upto IS NULL OR w.holds_all_upto < @personnelId) AND (@clientId IS NULL OR h.client_id = @clientId)
            """,
            """
            INSERT INTO client_holdings (client_id, personnel_id, held)
            SELECT w.client_id, @personnelId, FALSE FROM client_watermarks w
            WHERE w.holds_all_upto >= @personnelId AND (@clientId IS NULL OR w.client_id = @clientId)
            ON DUPLICATE KEY UPDATE held = FALSE
            """
        );

    /// <summary>
    /// Every personnel up to <paramref name="upto"/> sent. Replacing (or syncing) makes that the
    /// whole of what the client holds; a plain send keeps what it held besides.
    /// </summary>
    public Task SentAllAsync(long? clientId, long upto, bool exactly) =>
        exactly
            ? connection.ExecuteEachAsync(
                new { clientId, upto },
                tx,
                ct,
                """
                INSERT INTO client_watermarks (client_id, holds_all_upto) SELECT id, @upto FROM clients WHERE @clientId IS NULL OR id = @clientId
                ON DUPLICATE KEY UPDATE holds_all_upto = @upto
                """,
                "DELETE FROM client_holdings WHERE @clientId IS NULL OR client_id = @clientId"
            )
            : connection.ExecuteEachAsync(
                new { clientId, upto },
                tx,
                ct,
                """
                INSERT INTO client_watermarks (client_id, holds_all_upto) SELECT id, @upto FROM clients WHERE @clientId IS NULL OR id = @clientId
                ON DUPLICATE KEY UPDATE holds_all_upto = GREATEST(client_watermarks.holds_all_upto, @upto)
                """,
                "DELETE FROM client_holdings WHERE personnel_id <= @upto AND (@clientId IS NULL OR client_id = @clientId)"
            );

    /// <summary>Every personnel deleted from the clients.</summary>
    public Task DeletedAllAsync(long? clientId) =>
        connection.ExecuteEachAsync(
            new { clientId },
            tx,
            ct,
            "DELETE FROM client_watermarks WHERE @clientId IS NULL OR client_id = @clientId",
            "DELETE FROM client_holdings WHERE @clientId IS NULL OR client_id = @clientId"
        );

    /// <summary>A personnel removed from the server is no longer something any client should hold.</summary>
    public Task RemovedFromServerAsync(long personnelId) =>
        connection.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM client_holdings WHERE personnel_id = @personnelId",
                new { personnelId },
                tx,
                cancellationToken: ct
            )
        );

    /// <summary>The highest personnel id in the transaction's snapshot: the watermark a "send all" in it
    /// reaches.</summary>
    public Task<long> HighestPersonnelIdAsync() =>
        connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM personnel", transaction: tx, cancellationToken: ct)
        );
}
