using Relay.Testing;

namespace Relay.Tests.EndToEnd;

public sealed class StartupTests
{
    /// <summary>Someone starts a second client on the ports of one already running (a copied service file): it stops
    /// at once, says which address is taken, and exits 1; before, it aborted on an unhandled exception (134).</summary>
    [Theory]
    [InlineData("Client:TcpPort")]
    [InlineData("Client:HttpUrl")]
    public async Task AClientWhosePortIsTakenSaysWhichAndExitsOne(string taken)
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, FreePort.Next());
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var settings = new Dictionary<string, string>
        {
            ["Client:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"relay-taken-{Guid.NewGuid():N}", "client.db"),
            ["Client:TcpPort"] = (taken == "Client:TcpPort" ? port : FreePort.Next()).ToString(),
            ["Client:TcpBindAddress"] = "127.0.0.1",
            ["Client:HttpUrl"] = $"http://127.0.0.1:{(taken == "Client:HttpUrl" ? port : FreePort.Next())}",
            ["Client:Credential"] = ClientDaemon.TestCredential.Encode(),
            ["Client:ReadApiKey"] = "a-read-key-long-enough",
        };

        await using var client = DaemonProcess.Start("client", Repo.ClientProgram, settings);

        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the client should stop");
        Assert.Equal(1, client.ExitCode);
        Assert.Contains(
            $"cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.",
            client.Output
        );
        Assert.DoesNotContain("Unhandled exception", client.Output);
    }

    [Theory]
    [InlineData("Client:TcpPort", "0", "Client:TcpPort")]
    [InlineData("Client:TcpPort", "abc", "Client:TcpPort: 'abc' is not a whole number; for example 10.")]
    [InlineData("Client:HandshakeTimeout", "5s", "Client:HandshakeTimeout: '5s' is not a duration")]
    [InlineData("Client:TcpPortt", "5001", "Client:TcpPortt is not a setting; did you mean Client:TcpPort?")]
    [InlineData("Client:HttpUrl", "not a url", "Client:HttpUrl")]
    [InlineData("Client:TcpBindAddress", "localhost-ish", "Client:TcpBindAddress")]
    [InlineData("Client:Credential", "", "Client:Credential")]
    [InlineData("Client:Credential", "relay-link-1.1.1.too-short", "Client:Credential")]
    [InlineData("Client:CredentialFile", "/also/given/credential", "Client:Credential")]
    [InlineData("Client:DatabasePath", "", "Client:DatabasePath")]
    [InlineData("Client:MaxConnections", "0", "Client:MaxConnections")]
    [InlineData("Client:ReadApiKey", "", "Client:ReadApiKey")]
    [InlineData("Client:ReadApiKey_FILE", "/nonexistent/read-key", "Client:ReadApiKey_FILE")]
    [InlineData("Client:ReadApiKey", "change-me-api-key", "Client:ReadApiKey")]
    public async Task AClientWithABadSettingStopsWithOneLineNamingIt(string key, string value, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["Client:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"relay-bad-{Guid.NewGuid():N}", "client.db"),
            ["Client:TcpPort"] = FreePort.Next().ToString(),
            ["Client:HttpUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Client:Credential"] = ClientDaemon.TestCredential.Encode(),
            ["Client:ReadApiKey"] = "a-read-key-long-enough",
            ["Settings:Strict"] = "true",
            [key] = value,
        };
        await using var client = DaemonProcess.Start("client", Repo.ClientProgram, settings);

        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the client should refuse to start");
        AssertOneLineNaming(client, named);
    }

    [Theory]
    [InlineData(null, "ConnectionStrings:Relay")]
    [InlineData("Server=127.0.0.1;Bogus Option=1", "ConnectionStrings:Relay")]
    public async Task AServerWithoutAUsableConnectionStringStopsWithOneLineNamingIt(
        string? connectionString,
        string named
    )
    {
        var settings = new Dictionary<string, string> { ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}" };
        if (connectionString is not null)
        {
            settings["ConnectionStrings:Relay"] = connectionString;
        }

        await using var server = DaemonProcess.Start("server", Repo.ServerProgram, settings);

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the server should refuse to start");
        AssertOneLineNaming(server, named);
    }

    [Theory]
    [InlineData("Delivery:MaxRetryAttempts", "0", "MaxRetryAttempts")]
    [InlineData("Delivery:PollInterval", "2s", "Delivery:PollInterval: '2s' is not a duration; for example 00:00:02")]
    [InlineData("Outbox:BatchSize", "abc", "Outbox:BatchSize: 'abc' is not a whole number")]
    [InlineData(
        "Delivery:PollIntervall",
        "00:00:02",
        "Delivery:PollIntervall is not a setting; did you mean Delivery:PollInterval?"
    )]
    [InlineData("Credentials:MasterKey", "", "Credentials:MasterKey")]
    [InlineData("Credentials:MasterKey", "shorter-than-32-characters", "Credentials:MasterKey")]
    [InlineData("Auth:ApiKey", "short", "Auth:ApiKey")]
    [InlineData("Auth:ApiKey", "", "Auth:ApiKey")]
    [InlineData("Auth:ApiKey_FILE", "/nonexistent/api-key", "Auth:ApiKey_FILE")]
    [InlineData("Auth:Keys:0:Name", "ci", "Auth:Keys:0")]
    [InlineData("Auth:ApiKey", "change-me-api-key", "Auth:ApiKey")]
    [InlineData(
        "Credentials:MasterKey",
        "change-me-to-a-long-random-master-key-of-32-or-more",
        "Credentials:MasterKey"
    )]
    [InlineData(
        "ConnectionStrings:Relay",
        "Server=mysql;Database=relay;User ID=relay;Password=change-me-relay",
        "ConnectionStrings:Relay"
    )]
    [InlineData("Database:Password", "change-me-relay", "Database:Password")]
    public async Task AServerWithABadSettingStopsWithOneLineNamingIt(string key, string value, string named)
    {
        await using var server = DaemonProcess.Start(
            "server",
            Repo.ServerProgram,
            new Dictionary<string, string>
            {
                ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ConnectionStrings:Relay"] = "Server=127.0.0.1;Port=1;Database=x;User ID=x;Password=x",
                ["Credentials:MasterKey"] = RelayStack.MasterKey,
                ["Auth:ApiKey"] = "an-api-key-long-enough",
                ["Settings:Strict"] = "true",
                [key] = value,
            }
        );

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the server should refuse to start");
        AssertOneLineNaming(server, named);
    }

    /// <summary>Exit code 2 and a line that names the setting; no unhandled exception, no stack trace.</summary>
    private static void AssertOneLineNaming(DaemonProcess daemon, string named)
    {
        Assert.Equal(2, daemon.ExitCode);
        var lines = daemon.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l =>
            l.Contains("invalid setting", StringComparison.Ordinal) && l.Contains(named, StringComparison.Ordinal)
        );
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", daemon.Output);
    }

    [Fact]
    public async Task AnUnknownSettingIsAWarningNamingTheClosestKnownOneWhenNotStrict()
    {
        await using var client = DaemonProcess.Start(
            "client",
            Repo.ClientProgram,
            new Dictionary<string, string>
            {
                ["Client:DatabasePath"] = Path.Combine(
                    Path.GetTempPath(),
                    $"relay-warn-{Guid.NewGuid():N}",
                    "client.db"
                ),
                ["Client:TcpPort"] = FreePort.Next().ToString(),
                ["Client:HttpUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Client:Credential"] = ClientDaemon.TestCredential.Encode(),
                ["Client:ReadApiKey"] = "a-read-key-long-enough",
                ["Client:MaxConnectionz"] = "10",
            }
        );

        await Eventually.ReturnsAsync(
            () => Task.FromResult(client.Output),
            o => o.Contains("Listening for deliveries", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "the client starts despite the unknown key"
        );
        Assert.Contains(
            "warning: ignored: Client:MaxConnectionz is not a setting; did you mean Client:MaxConnections?",
            client.Output
        );
    }
}
