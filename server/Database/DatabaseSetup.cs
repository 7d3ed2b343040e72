using Microsoft.Extensions.Options;
using MySqlConnector;
using Relay.Hosting.Http;

namespace Relay.Server.Database;

internal static class DatabaseSetup
{
    public static void AddRelayDatabase(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>(
                (o, configuration) =>
                {
                    o.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
                    o.Password = configuration["Database:Password"];
                }
            )
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
            new MySqlDataSourceBuilder(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Effective())
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .Build()
        );
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddHealthChecks().AddCheck<MySqlReadyCheck>("mysql", tags: ["ready"]);
        builder.Services.AddHostedService<SchemaMigrator>();
    }
}
