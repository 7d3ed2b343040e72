using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// One client daemon process with its own ports and SQLite file; can be stopped and started again.
/// Given an <see cref="IsolatedHost"/>, it runs in that network namespace, where the link to it can be cut.
/// </summary>
public sealed class ClientDaemon(
    string name,
    string directory,
    IReadOnlyDictionary<string, string>? extraSettings = null,
    IsolatedHost? host = null
) : IAsyncDisposable
{
    /// <summary>The credential of a daemon no server registered: a test that plays the server proves it.</summary>
    public static readonly LinkCredential TestCredential = new(
        1,
        1,
        Enumerable.Range(1, LinkCredential.SecretBytes).Select(i => (byte)i).ToArray()
    );

    private LinkCredential _credential = TestCredential;

    private bool _ownsDirectory;

    /// <summary>A daemon alone in a temporary directory of its own, removed with it (no server; a test plays
    /// one).</summary>
    public static ClientDaemon Alone(string purpose, IReadOnlyDictionary<string, string>? extraSettings = null) =>
        new("client", Directory.CreateTempSubdirectory($"relay-{purpose}-").FullName, extraSettings)
        {
            _ownsDirectory = true,
        };

    public int TcpPort { get; } = FreePort.Next();

    /// <summary>The address the server reaches the daemon's TCP listener at.</summary>
    public string TcpHost => host?.Address ?? "127.0.0.1";

    /// <summary>The namespace the daemon runs in, when it has a host of its own.</summary>
    public IsolatedHost? Host => host;

    public int HttpPort { get; } = FreePort.Next();

    public string DatabasePath { get; } =
        extraSettings?.GetValueOrDefault("Client:DatabasePath") ?? Path.Combine(directory, name, "client.db");

    public DaemonProcess? Process { get; private set; }

    /// <summary>The file the daemon reads its credential from at every connection
    /// (<c>Client:CredentialFile</c>).</summary>
    public string CredentialFile { get; } = Path.Combine(directory, name, "credential");

    /// <summary>The credential the daemon holds; setting it takes effect from the next connection, as a rotation
    /// does.</summary>
    public LinkCredential Credential
    {
        get => _credential;
        set
        {
            _credential = value;
            Directory.CreateDirectory(Path.GetDirectoryName(CredentialFile)!);
            File.WriteAllText(CredentialFile, value.Encode() + "\n");
        }
    }

    public string HttpUrl => $"http://{TcpHost}:{HttpPort}";

    public async Task StartAsync()
    {
        Credential = _credential;
        var settings = new Dictionary<string, string>
        {
            ["Client:DatabasePath"] = DatabasePath,
            ["Client:TcpPort"] = TcpPort.ToString(),
            ["Client:TcpBindAddress"] = TcpHost,
            ["Client:HttpUrl"] = HttpUrl,
            ["Client:CredentialFile"] = CredentialFile,
            ["Client:ReadApiKey"] = RelayStack.ApiKey,
            ["Client:HandshakeTimeout"] = "00:00:02",
            ["Client:FrameTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        Process = DaemonProcess.Start(name, Repo.ClientProgram, settings, host?.Namespace);
        await Process.WaitUntilAnswersAsync($"{HttpUrl}/health");
    }

    /// <summary>An HTTP client for the daemon's REST port that sends its read key.</summary>
    public HttpClient CreateHttp() =>
        new() { BaseAddress = new Uri(HttpUrl), DefaultRequestHeaders = { { "X-Api-Key", RelayStack.ApiKey } } };

    /// <summary>The SSNs the client's REST listing shows, sorted.</summary>
    public async Task<string[]> ListedSsnsAsync()
    {
        using var http = CreateHttp();
        var page = await http.GetFromJsonAsync<JsonObject>("/personnel?limit=1000");
        return page!["items"]!.AsArray().Select(p => p!["ssn"]!.GetValue<string>()).Order().ToArray();
    }

    /// <summary>The rows of the SQLite file itself, read directly, sorted by id.</summary>
    public async Task<(long Id, string Name, string Surname, string Ssn)[]> StoredRowsAsync()
    {
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder
            {
                DataSource = DatabasePath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString()
        );
        await connection.OpenAsync();
        await using var command = new SqliteCommand(
            "SELECT id, name, surname, ssn FROM personnel ORDER BY id",
            connection
        );
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (_ownsDirectory)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
