using MySqlConnector;

namespace Relay.Server.Database;

internal static class DatabaseSetup
{
    public const string ConnectionStringName = "Relay";

    public static void AddRelayDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set. Give the MySQL connection string in appsettings.json or as the environment variable ConnectionStrings__{ConnectionStringName}.");
        }

        MySqlConnectionStringBuilder csb;
        try
        {
            csb = new MySqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not a valid MySQL connection string: {e.Message}", e);
        }

        // Timestamps are written as UTC from TimeProvider and must come back as UTC.
        csb.DateTimeKind = MySqlDateTimeKind.Utc;
        csb.ConnectionTimeout = Math.Min(csb.ConnectionTimeout, 5);

        builder.Services.AddSingleton(sp => new MySqlDataSourceBuilder(csb.ConnectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<SeedOptions>()
            .BindConfiguration(SeedOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<SchemaMigrator>();
    }
}
