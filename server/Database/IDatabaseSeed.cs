using MySqlConnector;

namespace Relay.Server.Database;

/// <summary>Rows put into the database once its schema is current, before the API and the sender start (and retried
/// with the migration while MySQL is away).</summary>
internal interface IDatabaseSeed
{
    Task SeedAsync(MySqlConnection connection, CancellationToken ct);
}
