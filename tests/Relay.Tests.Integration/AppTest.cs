namespace Relay.Tests.Integration;

/// <summary>
/// A test class whose every test owns a fresh server app on its own database, and a client for
/// it: the way the suite sets up an app (a table of calls that share one uses <see cref="SharedApp"/>).
/// A class that needs settings of its own passes its app (<c>new ServerApp().With(...)</c>); one
/// that needs data overrides <see cref="InitializeAsync"/>.
/// </summary>
public abstract class AppTest(ServerApp? app = null) : IAsyncLifetime
{
    protected ServerApp App { get; } = app ?? new();

    protected HttpClient Http { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await ((IAsyncLifetime)App).InitializeAsync();
        Http = App.CreateClient();
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}
