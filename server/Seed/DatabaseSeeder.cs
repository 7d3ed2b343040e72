using Dapper;
using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Server.Credentials;
using Relay.Server.Database;

namespace Relay.Server.Seed;

/// <summary>
/// Fills an empty database with the clients and personnel of the settings (<see cref="SeedOptions"/>),
/// and writes each seeded client's link credential where the settings say: what a compose stack or a
/// demo needs to work without a single API call.
/// </summary>
internal sealed partial class DatabaseSeeder(
    IOptions<SeedOptions> seed,
    ClientCredentials credentials,
    TimeProvider time,
    ILogger<DatabaseSeeder> logger
) : IDatabaseSeed
{
    public async Task SeedAsync(MySqlConnection connection, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var options = seed.Value;
        if (
            options.Clients.Count > 0
            && await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM clients", cancellationToken: ct)
            ) == 0
        )
        {
            await connection.ExecuteAsync(
                new CommandDefinition(
                    "INSERT INTO clients (name, host, port, created_at) VALUES (@Name, @Host, @Port, @now)",
                    options.Clients.Select(c => new
                    {
                        c.Name,
                        c.Host,
                        c.Port,
                        now,
                    }),
                    cancellationToken: ct
                )
            );
            LogSeeded(logger, options.Clients.Count, "clients");
        }

        if (
            options.Personnel.Count > 0
            && await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM personnel", cancellationToken: ct)
            ) == 0
        )
        {
            await connection.ExecuteAsync(
                new CommandDefinition(
                    "INSERT INTO personnel (name, surname, ssn, updated_at) VALUES (@Name, @Surname, @Ssn, @now)",
                    options.Personnel.Select(p => new
                    {
                        p.Name,
                        p.Surname,
                        p.Ssn,
                        now,
                    }),
                    cancellationToken: ct
                )
            );
            LogSeeded(logger, options.Personnel.Count, "personnel");
        }

        foreach (var client in options.Clients.Where(c => !string.IsNullOrEmpty(c.CredentialFile)))
        {
            var id = await connection.ExecuteScalarAsync<long?>(
                new CommandDefinition(
                    "SELECT id FROM clients WHERE host = @Host AND port = @Port",
                    new { client.Host, client.Port },
                    cancellationToken: ct
                )
            );
            if (
                id is { } clientId
                && await credentials.CurrentAsync(clientId, ct) is { } credential
                && await CredentialFiles.WriteAsync(client.CredentialFile!, credential, ct)
            )
            {
                LogCredentialWritten(logger, clientId, client.CredentialFile!);
            }
        }
    }

    [LoggerMessage(
        EventId = 2003,
        Level = LogLevel.Information,
        Message = "Seeded {Count} {Table} into an empty database"
    )]
    private static partial void LogSeeded(ILogger logger, int count, string table);

    [LoggerMessage(
        EventId = 2004,
        Level = LogLevel.Information,
        Message = "Wrote client {ClientId}'s link credential to {Path}"
    )]
    private static partial void LogCredentialWritten(ILogger logger, long clientId, string path);
}
