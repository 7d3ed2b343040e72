namespace Relay.Tests.Integration;

/// <summary>
/// One app for a whole test class (<c>IClassFixture</c>), for tables of calls that change nothing
/// or do not collide; <see cref="SeedAsync"/> gives it the data they all read.
/// </summary>
public class SharedApp : ServerApp, IAsyncLifetime
{
    public HttpClient Http { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Http = CreateClient();
        await SeedAsync(Http);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected virtual Task SeedAsync(HttpClient http) => Task.CompletedTask;
}
