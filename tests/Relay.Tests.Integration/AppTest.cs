namespace Relay.Tests.Integration;

/// <summary>A test class whose every test owns a fresh server app on its own database, and a client for it.</summary>
public abstract class AppTest : IAsyncLifetime
{
    protected ServerApp App { get; } = new();

    protected HttpClient Http { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        Http = App.CreateClient();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}
