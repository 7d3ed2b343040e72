using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// The <c>relay</c> command against real daemons, as a CI job runs it: what it prints, and the exit
/// codes a step branches on (0 done, 1 failed, 2 bad usage, 3 timed out, 4 unreachable, 130 interrupted).
/// </summary>
[TakesAbout(65)]
public sealed class CliTests : IAsyncLifetime
{
    // A site that holds at most 3 personnel: a message that would overfill it is refused for good.
    private readonly RelayStack _stack = new(
        clients: 2,
        clientSettings: new Dictionary<string, string> { ["Client:MaxPersonnel"] = "3" }
    );

    private RelayCommand _relay = null!;

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        _relay = new RelayCommand(_stack.Server.Url);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task SendWaitsForEveryClientThenVerifySyncAndATimeoutNameWhatIsNotDone()
    {
        var added = await _relay.RunAsync(
            "personnel",
            "add",
            "--name",
            "Grace",
            "--surname",
            "Hopper",
            "--ssn",
            "19061209000"
        );
        Assert.True(added.Exit == 0, added.ToString());
        var id = added.Out.Trim();
        var again = await _relay.RunAsync(
            ["personnel", "add", "--name", "Grace", "--surname", "Hopper", "--ssn", "19061209000", "--or-existing"],
            new Dictionary<string, string>()
        );
        Assert.Equal((0, id), (again.Exit, again.Out.Trim()));
        var clash = await _relay.RunAsync("personnel", "add", "--name", "G", "--surname", "H", "--ssn", "19061209000");
        Assert.Equal(1, clash.Exit);
        Assert.Contains($"belongs to personnel {id}", clash.Error);

        var sent = await _relay.RunAsync("send", id, "--to", "all", "--wait");
        Assert.True(sent.Exit == 0, sent.ToString());
        Assert.Contains("delivered: 2 of 2 client(s)", sent.Out);
        // Not a terminal: progress comes as plain lines on standard error.
        Assert.Contains("clients 2/2 done, 0 failed", sent.Error);
        foreach (var client in _stack.Clients)
        {
            Assert.Contains("19061209000", await client.ListedSsnsAsync());
        }

        await DeleteRowAsync(_stack.Clients[0].DatabasePath, long.Parse(id));
        var drifted = await _relay.RunAsync("verify", "all");
        Assert.True(drifted.Exit == 1, drifted.ToString());
        Assert.Contains($"client {_stack.ClientIds[0]}: drifted: 1 missing", drifted.Out);
        Assert.DoesNotContain($"client {_stack.ClientIds[1]}:", drifted.Out);

        var synced = await _relay.RunAsync("sync", _stack.ClientIds[0].ToString(), "--wait");
        Assert.True(synced.Exit == 0, synced.ToString());
        var verified = await _relay.RunAsync("verify", "all", "--json");
        Assert.True(verified.Exit == 0, verified.ToString());
        Assert.True(JsonNode.Parse(verified.Out)!["inSync"]!.GetValue<bool>());

        await _stack.Clients[1].Process!.StopAsync();
        var late = await _relay.RunAsync("send", id, "--to", "all", "--wait", "--timeout", "3s");
        Assert.True(late.Exit == 3, late.ToString());
        Assert.Contains($"client {_stack.ClientIds[1]} Client #2: pending", late.Error);
        Assert.DoesNotContain($"client {_stack.ClientIds[0]} ", late.Error);
        var operation = late.Error.Split("relay operations wait ")[1].Trim();
        var stillLate = await _relay.RunAsync("operations", "wait", operation, "--timeout", "1s");
        Assert.Equal(3, stillLate.Exit);

        // Ctrl-C while following: it stops following, says so, and leaves the operation to go on.
        var stopped = await _relay.RunAsync(
            ["operations", "wait", operation],
            new Dictionary<string, string>(),
            interruptOn: "clients 1/2 done"
        );
        Assert.True(stopped.Exit == 130, stopped.ToString());
        Assert.Contains($"stopped following operation {operation}", stopped.Error);
        Assert.Contains("relay: interrupted; nothing was undone", stopped.Error);
        Assert.DoesNotContain("timed out", stopped.Error);

        await _stack.Clients[1].StartAsync();
        var caughtUp = await _relay.RunAsync("operations", "wait", operation);
        Assert.True(caughtUp.Exit == 0, caughtUp.ToString());
    }

    [Fact]
    public async Task ARefusedMessageExitsOneAndItsRetryAndDiscardWork()
    {
        var register = (await _stack.Api.JsonAsync("/personnel"))["items"]!.AsArray().Count;
        for (var i = register; i <= 3; i++)
        {
            var added = await _relay.RunAsync(
                "personnel",
                "add",
                "--name",
                "P",
                "--surname",
                $"N{i}",
                "--ssn",
                $"{i:D11}"
            );
            Assert.True(added.Exit == 0, added.ToString());
        }

        var client = _stack.ClientIds[0].ToString();
        var refused = await _relay.RunAsync("send", "all", "--to", client, "--wait");
        Assert.True(refused.Exit == 1, refused.ToString());
        Assert.Contains($"client {client} Client #1: failed", refused.Error);
        Assert.Contains("Client:MaxPersonnel", refused.Error);

        var failed = await _relay.RunAsync("messages", "list", "--state", "failed", "--json");
        Assert.True(failed.Exit == 0, failed.ToString());
        var message = JsonNode.Parse(failed.Out)!["items"]!.AsArray().Single()!["id"]!.ToString();

        var retried = await _relay.RunAsync("messages", "retry", message, "--wait");
        Assert.True(retried.Exit == 1, retried.ToString());
        Assert.Contains("refused the message again", retried.Error);

        var discarded = await _relay.RunAsync("messages", "discard", message);
        Assert.True(discarded.Exit == 0, discarded.ToString());
        var none = await _relay.RunAsync("messages", "list", "--state", "failed", "--json");
        Assert.Empty(JsonNode.Parse(none.Out)!["items"]!.AsArray());
        var discardedAgain = await _relay.RunAsync("messages", "discard", message);
        Assert.Equal(2, discardedAgain.Exit);
    }

    [Fact]
    public async Task BadUsageAKeyProblemAndAnUnreachableServerEachHaveTheirExitCodeAndNeverShowTheKey()
    {
        Assert.Equal(2, (await _relay.RunAsync("send", "1")).Exit);
        Assert.Equal(2, (await _relay.RunAsync("send", "one", "--to", "all")).Exit);
        Assert.Equal(2, (await _relay.RunAsync("send", "1", "--to", "all", "--timeout", "soon")).Exit);
        var everything = await _relay.RunAsync("delete", "all", "--from", "all");
        Assert.Equal(2, everything.Exit);
        Assert.Contains("--yes", everything.Error);
        // A dry run of it needs no --yes: it only says how far it would reach, and queues nothing.
        var preview = await _relay.RunAsync("delete", "all", "--from", "all", "--dry-run");
        Assert.True(preview.Exit == 0, preview.ToString());
        Assert.Contains("dry run, nothing queued: deleteAll would queue 2 message(s) for 2 client(s)", preview.Out);
        Assert.Empty((await _stack.Api.JsonAsync("/operations"))["items"]!.AsArray());

        var unknownClient = await _relay.RunAsync("send", "1", "--to", "9007199254740991");
        Assert.Equal(2, unknownClient.Exit);
        Assert.Contains("404", unknownClient.Error);

        var noKey = await new RelayCommand(_stack.Server.Url, apiKey: null).RunAsync("clients");
        Assert.Equal(2, noKey.Exit);
        Assert.Contains("RELAY_API_KEY", noKey.Error);
        const string wrong = "not-the-key-0123456789";
        var wrongKey = await new RelayCommand(_stack.Server.Url, apiKey: wrong).RunAsync("clients");
        Assert.Equal(2, wrongKey.Exit);
        Assert.Contains("401", wrongKey.Error);
        Assert.DoesNotContain(wrong, wrongKey.ToString());

        var keyFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(keyFile, RelayStack.ApiKey + "\n");
            var fromFile = await new RelayCommand(_stack.Server.Url, apiKey: null).RunAsync(
                "clients",
                "--api-key-file",
                keyFile
            );
            Assert.True(fromFile.Exit == 0, fromFile.ToString());
            Assert.Contains("Client #1", fromFile.Out);
            Assert.DoesNotContain(RelayStack.ApiKey, fromFile.ToString());
        }
        finally
        {
            File.Delete(keyFile);
        }

        var nowhere = await new RelayCommand($"http://127.0.0.1:{FreePort.Next()}").RunAsync(
            "send",
            "1",
            "--to",
            "all",
            "--timeout",
            "2s"
        );
        Assert.True(nowhere.Exit == 4, nowhere.ToString());
        Assert.Contains("cannot reach the server", nowhere.Error);
    }

    [Fact]
    public async Task ExportAndACredentialGoToFilesOnlyTheirOwnerCanReadAndTheExportImportsBackUnchanged()
    {
        var directory = Directory.CreateTempSubdirectory("relay-cli-").FullName;
        try
        {
            var export = Path.Combine(directory, "personnel.csv");
            var exported = await _relay.RunAsync("export", "--output", export);
            Assert.True(exported.Exit == 0, exported.ToString());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(export));
            Assert.StartsWith("id,name,surname,ssn", await File.ReadAllTextAsync(export));

            var imported = await _relay.RunAsync("import", export, "--json");
            Assert.True(imported.Exit == 0, imported.ToString());
            var report = JsonNode.Parse(imported.Out)!;
            Assert.Equal(report["rows"]!.GetValue<long>(), report["unchanged"]!.GetValue<long>());

            var bad = Path.Combine(directory, "bad.csv");
            await File.WriteAllTextAsync(bad, "name,surname,ssn\nAda,Lovelace,123\n");
            var refused = await _relay.RunAsync("import", bad);
            Assert.Equal(2, refused.Exit);
            Assert.Contains("line 2, ssn", refused.Error);

            var credential = Path.Combine(directory, "client1.credential");
            var rotated = await _relay.RunAsync(
                "credentials",
                "rotate",
                _stack.ClientIds[0].ToString(),
                "--overlap",
                "60",
                "--output",
                credential
            );
            Assert.True(rotated.Exit == 0, rotated.ToString());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, ModeOf(credential));
            var secret = (await File.ReadAllTextAsync(credential)).Trim();
            Assert.NotEmpty(secret);
            Assert.DoesNotContain(secret, rotated.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static UnixFileMode ModeOf(string path) =>
        OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);

    private static async Task DeleteRowAsync(string path, long id)
    {
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()
        );
        await connection.OpenAsync();
        await using var command = new SqliteCommand("DELETE FROM personnel WHERE id = $id", connection);
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
