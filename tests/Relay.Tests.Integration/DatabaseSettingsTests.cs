using System.Net;
using MySqlConnector;

namespace Relay.Tests.Integration;

public sealed class DatabaseSettingsTests
{
    /// <summary>Without the password the server could not migrate at start-up, let alone answer ready.</summary>
    [Fact]
    public async Task ThePasswordMayComeApartFromTheConnectionStringAsComposeGivesIt()
    {
        await using var app = new ServerApp();
        await ((IAsyncLifetime)app).InitializeAsync();
        var withoutPassword = new MySqlConnectionStringBuilder(app.ConnectionString);
        var password = withoutPassword.Password;
        withoutPassword.Password = "";
        app.With("ConnectionStrings:Relay", withoutPassword.ConnectionString).With("Database:Password", password);

        using var ready = await app.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
