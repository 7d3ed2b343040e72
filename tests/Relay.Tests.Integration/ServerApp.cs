using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;

namespace Relay.Tests.Integration;

/// <summary>
/// The real server (in memory, through the test host) on its own fresh database in the shared
/// private MariaDB. The sender is off unless asked for, so the outbox can be inspected as queued.
/// </summary>
public class ServerApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The admin key every client from <c>CreateClient</c> sends.</summary>
    public const string AdminKey = "integration-admin-key";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Delivery:Enabled"] = "false",
        ["Auth:ApiKey"] = AdminKey,
        ["Credentials:MasterKey"] = "integration-master-key-0123456789abcdef",
    };

    private FakeTimeProvider? _clock;
    private ServerApp? _sharing;
    private bool _emptyDatabase;

    public string ConnectionString { get; private set; } = "";

    /// <summary>The app's clock, for a test that moves time on instead of waiting it out (retention, sweeps).</summary>
    public ServerApp WithClock(FakeTimeProvider clock)
    {
        _clock = clock;
        return this;
    }

    /// <summary>
    /// Moves the app's clock on and waits until a whole sweep has run on the time it moved to. The
    /// sweep reads the clock once and its last job discards imports abandoned for a day: the mark
    /// is an import that counts as abandoned only from the new time on, so a sweep that was already
    /// under way, on the time before, leaves it.
    /// </summary>
    public async Task SweptAfterAsync(TimeSpan later)
    {
        var clock = _clock
            ?? throw new InvalidOperationException("The app runs on the real clock: give it one with WithClock.");
        await using var db = await OpenDatabaseAsync();
        await db.ExecuteAsync(
            "INSERT INTO imports (started_at) VALUES (@startedAt)",
            new
            {
                startedAt = (
                    clock.GetUtcNow() + later - TimeSpan.FromDays(1) - TimeSpan.FromMilliseconds(1)
                ).UtcDateTime,
            }
        );
        var mark = await db.ExecuteScalarAsync<long>("SELECT LAST_INSERT_ID()");
        clock.Advance(later);
        await Eventually.ReturnsAsync(
            () => db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM imports WHERE id = @mark", new { mark }),
            n => n == 0,
            because: "a sweep runs to its end on the app's clock once its interval has passed"
        );
    }

    /// <summary>Runs on the database of another app (initialised first): a second server instance.</summary>
    public ServerApp OnDatabaseOf(ServerApp other)
    {
        _sharing = other;
        return this;
    }

    /// <summary>
    /// Starts on an empty database, for a test of what the migrations make. Other apps start on a copy of the schema
    /// one server made (<c>MariaDbServer.CreateDatabaseWithSchemaAsync</c>): 500 migrations cost the suite a minute.
    /// </summary>
    public ServerApp WithEmptyDatabase()
    {
        _emptyDatabase = true;
        return this;
    }

    public ServerApp With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    public async Task InitializeAsync()
    {
        ConnectionString = _sharing switch
        {
            null when _emptyDatabase => await (await MariaDbServer.Shared).CreateDatabaseAsync(),
            null => await (await MariaDbServer.Shared).CreateDatabaseWithSchemaAsync(),
            { ConnectionString.Length: > 0 } other => other.ConnectionString,
            _ => throw new InvalidOperationException("Initialise the app whose database this one shares first."),
        };
        _settings["ConnectionStrings:Relay"] = ConnectionString;
    }

    public async Task<MySqlConnection> OpenDatabaseAsync()
    {
        // Unpooled: every test class has its own database, and idle pools would pile up connections.
        var connection = new MySqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>A client that sends no key, or the one given.</summary>
    public HttpClient CreateClientWithKey(string? key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_clock is { } clock)
        {
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
