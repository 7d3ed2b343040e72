namespace Relay.Server.Database;

/// <summary>
/// The schema, as an ordered list of steps. A step is never edited once released: change the
/// schema by appending a step. Each step is idempotent on its own so a crash mid-way is harmless.
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<(int Version, string Description, string[] Statements)> All =
    [
        (1, "clients, personnel, messages and delivered messages",
        [
            """
            CREATE TABLE IF NOT EXISTS clients (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                name VARCHAR(100) NOT NULL,
                host VARCHAR(253) NOT NULL,
                port INT NOT NULL,
                created_at DATETIME(6) NOT NULL,
                last_contact_at DATETIME(6) NULL,
                last_error VARCHAR(1000) NULL,
                UNIQUE KEY ux_clients_endpoint (host, port)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE IF NOT EXISTS personnel (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                name VARCHAR(100) NOT NULL,
                surname VARCHAR(100) NOT NULL,
                ssn CHAR(11) NOT NULL,
                updated_at DATETIME(6) NOT NULL,
                UNIQUE KEY ux_personnel_ssn (ssn)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE IF NOT EXISTS messages (
                id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                client_id BIGINT NOT NULL,
                kind VARCHAR(16) NOT NULL,
                item_count INT NOT NULL,
                payload LONGTEXT NOT NULL,
                state VARCHAR(16) NOT NULL DEFAULT 'pending',
                attempts INT NOT NULL DEFAULT 0,
                created_at DATETIME(6) NOT NULL,
                last_attempt_at DATETIME(6) NULL,
                last_error VARCHAR(1000) NULL,
                KEY ix_messages_client_state (client_id, state, id),
                CONSTRAINT fk_messages_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            """
            CREATE TABLE IF NOT EXISTS delivered_messages (
                id BIGINT NOT NULL PRIMARY KEY,
                client_id BIGINT NOT NULL,
                kind VARCHAR(16) NOT NULL,
                item_count INT NOT NULL,
                attempts INT NOT NULL,
                created_at DATETIME(6) NOT NULL,
                delivered_at DATETIME(6) NOT NULL,
                KEY ix_delivered_client (client_id, id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
        ]),
    ];

    public static int Latest => All[^1].Version;
}
