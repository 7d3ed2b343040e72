using Relay.Hosting.Http;
using Relay.Server.Database;

namespace Relay.Server.Seed;

internal static class SeedSetup
{
    public static void AddSeed(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<SeedOptions>()
            .BindConfiguration(SeedOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddSingleton<IDatabaseSeed, DatabaseSeeder>();
    }
}
