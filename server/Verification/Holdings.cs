using Dapper;
using MySqlConnector;

namespace Relay.Server.Verification;

/// <summary>
/// What each client should hold, kept as every operation is queued (inside its transaction), so a
/// verify knows the target without a row per client and personnel. A client holds every personnel
/// with an id up to its watermark (<c>clients.holds_all_upto</c>, set by "send all"), corrected by
/// exceptions (<c>client_holdings</c>: sent one by one above the watermark, or deleted below it).
/// The cost grows with the operations that name single personnel, never with clients × personnel.
/// </summary>
internal static class Holdings
{
    /// <summary>
    /// One personnel sent: covered by the watermark it needs no row, above it it becomes an
    /// exception. When the client then holds every personnel up to it (the usual case: a new hire
    /// sent to sites that were sent everyone), the watermark moves up instead and the exceptions
    /// it covers go, so sending newcomers one by one costs no rows.
    /// </summary>
    public static Task SentOneAsync(MySqlConnection connection, MySqlTransaction tx, long? clientId, long personnelId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            DELETE h FROM client_holdings h JOIN clients c ON c.id = h.client_id
            WHERE h.personnel_id = @personnelId AND c.holds_all_upto >= @personnelId AND (@clientId IS NULL OR c.id = @clientId);
            INSERT INTO client_holdings (client_id, personnel_id, held)
            SELECT id, @personnelId, TRUE FROM clients
            WHERE (holds_all_upto IS NULL OR holds_all_upto < @personnelId) AND (@clientId IS NULL OR id = @clientId)
            ON DUPLICATE KEY UPDATE held = TRUE;
            UPDATE clients c SET c.holds_all_upto = @personnelId
            WHERE c.holds_all_upto < @personnelId AND (@clientId IS NULL OR c.id = @clientId)
              AND NOT EXISTS (
                SELECT 1 FROM personnel p
                WHERE p.id > c.holds_all_upto AND p.id < @personnelId
                  AND NOT EXISTS (SELECT 1 FROM client_holdings h WHERE h.client_id = c.id AND h.personnel_id = p.id AND h.held));
            DELETE h FROM client_holdings h JOIN clients c ON c.id = h.client_id
            WHERE h.held AND h.personnel_id <= c.holds_all_upto AND (@clientId IS NULL OR c.id = @clientId);
            """, new { clientId, personnelId }, tx, cancellationToken: ct));

    /// <summary>One personnel deleted from clients: below the watermark it is an exception, above it the row goes.</summary>
    public static Task DeletedOneAsync(MySqlConnection connection, MySqlTransaction tx, long? clientId, long personnelId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            DELETE h FROM client_holdings h JOIN clients c ON c.id = h.client_id
            WHERE h.personnel_id = @personnelId AND (c.holds_all_upto IS NULL OR c.holds_all_upto < @personnelId) AND (@clientId IS NULL OR c.id = @clientId);
            INSERT INTO client_holdings (client_id, personnel_id, held)
            SELECT id, @personnelId, FALSE FROM clients
            WHERE holds_all_upto >= @personnelId AND (@clientId IS NULL OR id = @clientId)
            ON DUPLICATE KEY UPDATE held = FALSE;
            """, new { clientId, personnelId }, tx, cancellationToken: ct));

    /// <summary>
    /// Every personnel up to <paramref name="upto"/> sent. Replacing (or syncing) makes that the
    /// whole of what the client holds; a plain send keeps what it held besides.
    /// </summary>
    public static Task SentAllAsync(MySqlConnection connection, MySqlTransaction tx, long? clientId, long upto, bool exactly, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(exactly
            ? """
              UPDATE clients SET holds_all_upto = @upto WHERE @clientId IS NULL OR id = @clientId;
              DELETE FROM client_holdings WHERE @clientId IS NULL OR client_id = @clientId;
              """
            : """
              UPDATE clients SET holds_all_upto = GREATEST(COALESCE(holds_all_upto, 0), @upto) WHERE @clientId IS NULL OR id = @clientId;
              DELETE FROM client_holdings WHERE personnel_id <= @upto AND (@clientId IS NULL OR client_id = @clientId);
              """, new { clientId, upto }, tx, cancellationToken: ct));

    /// <summary>Every personnel deleted from the clients.</summary>
    public static Task DeletedAllAsync(MySqlConnection connection, MySqlTransaction tx, long? clientId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE clients SET holds_all_upto = NULL WHERE @clientId IS NULL OR id = @clientId;
            DELETE FROM client_holdings WHERE @clientId IS NULL OR client_id = @clientId;
            """, new { clientId }, tx, cancellationToken: ct));

    /// <summary>A personnel removed from the server is no longer something any client should hold.</summary>
    public static Task RemovedFromServerAsync(MySqlConnection connection, MySqlTransaction tx, long personnelId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM client_holdings WHERE personnel_id = @personnelId", new { personnelId }, tx, cancellationToken: ct));

    /// <summary>The highest personnel id in the transaction's snapshot: the watermark a "send all" in it reaches.</summary>
    public static Task<long> HighestPersonnelIdAsync(MySqlConnection connection, MySqlTransaction tx, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM personnel", transaction: tx, cancellationToken: ct));
}
