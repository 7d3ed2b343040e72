namespace Relay.Server.Database;

/// <summary>
/// The schema, as an ordered list of steps. A step is never edited once released: change the
/// schema by appending a step. Each step is idempotent on its own so a crash mid-way is harmless.
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<(int Version, string Description, MigrationStep[] Steps)> All =
    [
        (
            1,
            "clients, personnel, messages and delivered messages",
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
            ]
        ),
        (
            2,
            "client leases for several server instances, and the instances' heartbeats",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN lease_owner VARCHAR(100) NULL",
                    OnlyIfMissing: "clients.lease_owner"
                ),
                new(
                    "ALTER TABLE clients ADD COLUMN lease_expires_at DATETIME(6) NULL",
                    OnlyIfMissing: "clients.lease_expires_at"
                ),
                """
                CREATE TABLE IF NOT EXISTS server_instances (
                    id VARCHAR(100) NOT NULL PRIMARY KEY,
                    heartbeat_at DATETIME(6) NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
            ]
        ),
        (
            3,
            "shared batches: a broadcast stores its snapshot once for every client",
            [
                """
                CREATE TABLE IF NOT EXISTS batches (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    payload LONGTEXT NOT NULL,
                    created_at DATETIME(6) NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                new("ALTER TABLE messages ADD COLUMN batch_id BIGINT NULL", OnlyIfMissing: "messages.batch_id"),
                "ALTER TABLE messages MODIFY payload LONGTEXT NULL",
                new(
                    "CREATE INDEX ix_messages_batch ON messages (batch_id)",
                    OnlyIfMissing: "index:messages.ix_messages_batch"
                ),
            ]
        ),
        (
            4,
            "message uids: what a client recognises a redelivery by, never issued twice even after a database reset or restore",
            [
                new(
                    "ALTER TABLE messages ADD COLUMN uid CHAR(32) CHARACTER SET ascii NULL",
                    OnlyIfMissing: "messages.uid"
                ),
                "UPDATE messages SET uid = LOWER(REPLACE(UUID(), '-', '')) WHERE uid IS NULL",
                "ALTER TABLE messages MODIFY uid CHAR(32) CHARACTER SET ascii NOT NULL",
            ]
        ),
        (
            5,
            "what each client should hold (a watermark and exceptions, not a row per client and personnel), and verifications",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN holds_all_upto BIGINT NULL",
                    OnlyIfMissing: "clients.holds_all_upto"
                ),
                """
                CREATE TABLE IF NOT EXISTS client_holdings (
                    client_id BIGINT NOT NULL,
                    personnel_id BIGINT NOT NULL,
                    held BOOLEAN NOT NULL,
                    PRIMARY KEY (client_id, personnel_id),
                    KEY ix_holdings_personnel (personnel_id),
                    CONSTRAINT fk_holdings_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                """
                CREATE TABLE IF NOT EXISTS verifications (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    client_id BIGINT NOT NULL,
                    message_id BIGINT NULL,
                    kind VARCHAR(16) NOT NULL,
                    state VARCHAR(16) NOT NULL,
                    requested_at DATETIME(6) NOT NULL,
                    judged_at DATETIME(6) NULL,
                    expected_rows BIGINT NULL,
                    client_rows BIGINT NULL,
                    missing BIGINT NULL,
                    extra BIGINT NULL,
                    different BIGINT NULL,
                    not_judged BIGINT NULL,
                    sample_ids TEXT NULL,
                    bytes_moved BIGINT NULL,
                    rows_sent BIGINT NULL,
                    note VARCHAR(1000) NULL,
                    KEY ix_verifications_client (client_id, id),
                    KEY ix_verifications_message (message_id),
                    KEY ix_verifications_judged (judged_at),
                    CONSTRAINT fk_verifications_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
            ]
        ),
        (
            6,
            "broadcasts: one outbox row per batch for the whole fleet, and how far each client has come through them",
            [
                "ALTER TABLE messages MODIFY client_id BIGINT NULL",
                new(
                    "ALTER TABLE messages ADD COLUMN audience_upto BIGINT NULL",
                    OnlyIfMissing: "messages.audience_upto"
                ),
                new("ALTER TABLE messages ADD COLUMN origin_id BIGINT NULL", OnlyIfMissing: "messages.origin_id"),
                new(
                    "CREATE INDEX ix_messages_origin ON messages (origin_id)",
                    OnlyIfMissing: "index:messages.ix_messages_origin"
                ),
                new(
                    "ALTER TABLE clients ADD COLUMN broadcast_position BIGINT NOT NULL DEFAULT 0",
                    OnlyIfMissing: "clients.broadcast_position"
                ),
                new(
                    "CREATE INDEX ix_clients_broadcast_position ON clients (broadcast_position)",
                    OnlyIfMissing: "index:clients.ix_clients_broadcast_position"
                ),
                "ALTER TABLE delivered_messages MODIFY client_id BIGINT NULL",
            ]
        ),
        (
            7,
            "operations: each call that queues messages is stored, and its messages point at it",
            [
                """
                CREATE TABLE IF NOT EXISTS operations (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    kind VARCHAR(16) NOT NULL,
                    client_id BIGINT NULL,
                    personnel_id BIGINT NULL,
                    audience_upto BIGINT NULL,
                    created_at DATETIME(6) NOT NULL,
                    KEY ix_operations_created (created_at)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                new("ALTER TABLE messages ADD COLUMN operation_id BIGINT NULL", OnlyIfMissing: "messages.operation_id"),
                new(
                    "CREATE INDEX ix_messages_operation ON messages (operation_id, client_id, state)",
                    OnlyIfMissing: "index:messages.ix_messages_operation"
                ),
                new(
                    "ALTER TABLE delivered_messages ADD COLUMN operation_id BIGINT NULL",
                    OnlyIfMissing: "delivered_messages.operation_id"
                ),
                new(
                    "ALTER TABLE delivered_messages ADD COLUMN origin_id BIGINT NULL",
                    OnlyIfMissing: "delivered_messages.origin_id"
                ),
                new(
                    "CREATE INDEX ix_delivered_operation ON delivered_messages (operation_id, client_id)",
                    OnlyIfMissing: "index:delivered_messages.ix_delivered_operation"
                ),
            ]
        ),
        (
            8,
            "link credentials per client: a salt and a generation to derive each client's secret from the master key, nothing secret stored",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN credential_salt BINARY(16) NULL",
                    OnlyIfMissing: "clients.credential_salt"
                ),
                // Not secret, only different for every client ever registered, so an id issued again after a reset gets
                // other secrets.
                "UPDATE clients SET credential_salt = UNHEX(REPLACE(UUID(), '-', '')) WHERE credential_salt IS NULL",
                "ALTER TABLE clients MODIFY credential_salt BINARY(16) NOT NULL DEFAULT (UNHEX(REPLACE(UUID(), '-', '')))",
                new(
                    "ALTER TABLE clients ADD COLUMN credential_generation INT NOT NULL DEFAULT 1",
                    OnlyIfMissing: "clients.credential_generation"
                ),
                new(
                    "ALTER TABLE clients ADD COLUMN previous_credential_until DATETIME(6) NULL",
                    OnlyIfMissing: "clients.previous_credential_until"
                ),
                new(
                    "ALTER TABLE clients ADD COLUMN credential_in_use INT NULL",
                    OnlyIfMissing: "clients.credential_in_use"
                ),
            ]
        ),
        (
            9,
            "audit_log: who changed what through the API (never personnel fields)",
            [
                """
                CREATE TABLE IF NOT EXISTS audit_log (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    at DATETIME(6) NOT NULL,
                    key_name VARCHAR(64) NULL,
                    method VARCHAR(10) NOT NULL,
                    route VARCHAR(200) NOT NULL,
                    target VARCHAR(400) NULL,
                    status INT NOT NULL,
                    remote VARCHAR(64) NULL,
                    KEY ix_audit_at (at),
                    KEY ix_audit_key (key_name, id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
            ]
        ),
        (
            10,
            "personnel imports: an import's checked rows, staged until every line of the upload has been read",
            [
                """
                CREATE TABLE IF NOT EXISTS imports (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    started_at DATETIME(6) NOT NULL,
                    KEY ix_imports_started (started_at)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                """
                CREATE TABLE IF NOT EXISTS personnel_imports (
                    import_id BIGINT NOT NULL,
                    line INT NOT NULL,
                    id BIGINT NULL,
                    name VARCHAR(100) NOT NULL,
                    surname VARCHAR(100) NOT NULL,
                    ssn CHAR(11) NOT NULL,
                    PRIMARY KEY (import_id, line),
                    KEY ix_personnel_imports_ssn (import_id, ssn),
                    KEY ix_personnel_imports_id (import_id, id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
            ]
        ),
        (
            11,
            "client links: since when a server has been unable to reach a client it holds, with or without work waiting",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN unreachable_since DATETIME(6) NULL",
                    OnlyIfMissing: "clients.unreachable_since"
                ),
            ]
        ),
        (
            12,
            "cluster-safe ordering: message ids from a counter row every queuing transaction advances, and no message naming a missing batch",
            [
                """
                CREATE TABLE IF NOT EXISTS outbox_sequence (
                    name VARCHAR(32) NOT NULL PRIMARY KEY,
                    next_id BIGINT NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                // Past every id ever issued: those queued, those delivered, and clients' positions (their broadcasts
                // may be swept).
                """
                INSERT IGNORE INTO outbox_sequence (name, next_id)
                SELECT 'messages', GREATEST(
                    COALESCE((SELECT MAX(id) FROM messages), 0),
                    COALESCE((SELECT MAX(id) FROM delivered_messages), 0),
                    COALESCE((SELECT MAX(broadcast_position) FROM clients), 0)) + 1
                """,
                // A message whose batch is gone cannot be sent: it keeps its place, and fails for its clients when
                // read.
                "UPDATE messages m LEFT JOIN batches b ON b.id = m.batch_id SET m.batch_id = NULL WHERE m.batch_id IS NOT NULL AND b.id IS NULL",
                new(
                    "ALTER TABLE messages ADD CONSTRAINT fk_messages_batch FOREIGN KEY (batch_id) REFERENCES batches (id)",
                    OnlyIfMissing: "constraint:messages.fk_messages_batch"
                ),
                // What "send all" gave each client, apart from the client rows every acknowledgement
                // updates (on a cluster the two would fail certification against each other). The old
                // column clients.holds_all_upto stays, unread: dropping it is DDL on a live table.
                """
                CREATE TABLE IF NOT EXISTS client_watermarks (
                    client_id BIGINT NOT NULL PRIMARY KEY,
                    holds_all_upto BIGINT NOT NULL,
                    CONSTRAINT fk_watermarks_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                """,
                "INSERT IGNORE INTO client_watermarks (client_id, holds_all_upto) SELECT id, holds_all_upto FROM clients WHERE holds_all_upto IS NOT NULL",
            ]
        ),
        (
            13,
            "clients that hold more than the database knows: the position each reported past every id issued, and since when",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN ahead_position BIGINT NULL",
                    OnlyIfMissing: "clients.ahead_position"
                ),
                new(
                    "ALTER TABLE clients ADD COLUMN ahead_since DATETIME(6) NULL",
                    OnlyIfMissing: "clients.ahead_since"
                ),
            ]
        ),
        (
            14,
            "audit_log: the key's role, rows of personal data read, and summaries of calls over a caller's budget",
            [
                new("ALTER TABLE audit_log ADD COLUMN role VARCHAR(16) NULL", OnlyIfMissing: "audit_log.role"),
                new("ALTER TABLE audit_log ADD COLUMN rows_read INT NULL", OnlyIfMissing: "audit_log.rows_read"),
                new("ALTER TABLE audit_log ADD COLUMN suppressed INT NULL", OnlyIfMissing: "audit_log.suppressed"),
            ]
        ),
        (
            15,
            "when a client's credentials last changed (rotated, revoked, a newer generation proved): what each instance "
                + "watches to close links whose generation no longer works",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN credentials_changed_at DATETIME(6) NULL",
                    OnlyIfMissing: "clients.credentials_changed_at"
                ),
                new(
                    "CREATE INDEX ix_clients_credentials_changed ON clients (credentials_changed_at)",
                    OnlyIfMissing: "index:clients.ix_clients_credentials_changed"
                ),
            ]
        ),
        (
            16,
            "messages.trace_parent: the W3C trace context of the call that queued a message, so its delivery continues "
                + "that trace",
            [
                new(
                    "ALTER TABLE messages ADD COLUMN trace_parent VARCHAR(55) CHARACTER SET ascii NULL",
                    OnlyIfMissing: "messages.trace_parent"
                ),
            ]
        ),
        (
            17,
            "clients.applied_position: the id of the last change each client says it applied (at each connection and with each "
                + "acknowledgement), and when it said so",
            [
                new(
                    "ALTER TABLE clients ADD COLUMN applied_position BIGINT NULL",
                    OnlyIfMissing: "clients.applied_position"
                ),
                new(
                    "ALTER TABLE clients ADD COLUMN applied_position_at DATETIME(6) NULL",
                    OnlyIfMissing: "clients.applied_position_at"
                ),
            ]
        ),
        (
            18,
            "personnel validity windows: when a personnel's access starts and ends (UTC, whole seconds), in the register "
                + "and in an import's staged rows",
            [
                new("ALTER TABLE personnel ADD COLUMN valid_from DATETIME NULL", OnlyIfMissing: "personnel.valid_from"),
                new(
                    "ALTER TABLE personnel ADD COLUMN valid_until DATETIME NULL",
                    OnlyIfMissing: "personnel.valid_until"
                ),
                new(
                    "ALTER TABLE personnel_imports ADD COLUMN valid_from DATETIME NULL",
                    OnlyIfMissing: "personnel_imports.valid_from"
                ),
                new(
                    "ALTER TABLE personnel_imports ADD COLUMN valid_until DATETIME NULL",
                    OnlyIfMissing: "personnel_imports.valid_until"
                ),
            ]
        ),
    ];

    public static int Latest => All[^1].Version;
}

/// <summary>
/// One statement of a migration. MySQL has no <c>ADD COLUMN IF NOT EXISTS</c> (nor one for
/// indexes or constraints), so a step that adds a column names it (<c>table.column</c>), one that
/// adds an index <c>index:table.name</c>, one that adds a constraint <c>constraint:table.name</c>,
/// and the step is skipped when it is already there.
/// </summary>
internal sealed record MigrationStep(string Sql, string? OnlyIfMissing = null)
{
    public static implicit operator MigrationStep(string sql) => new(sql);
}
