using System.Net.Http.Json;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// The server's database reset, or restored from an older backup, while a client keeps its SQLite
/// file: message ids are issued again, and a new message must never pass for one already applied.
/// </summary>
[TakesAbout(60)]
public sealed class DatabaseRestoreTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 1);
    private ClientDaemon Client => _stack.Clients[0];

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task AfterADatabaseResetANewOperationTakesEffectThoughItsIdWasUsedBefore()
    {
        var usedIds = new List<long>();
        foreach (
            var (name, ssn) in new[] { ("Isaac", "12345678900"), ("Albert", "98765432100"), ("Marie", "11122233344") }
        )
        {
            var id = await _stack.CreatePersonnelAsync(name, "X", ssn);
            usedIds.AddRange(
                await _stack.OperateAsync(HttpMethod.Put, $"/clients/{_stack.ClientIds[0]}/personnel/{id}?wait=10")
            );
        }

        Assert.Equal(3, (await Client.StoredRowsAsync()).Length);

        await RestartServerAsync(() => _stack.MariaDb.ResetDatabaseAsync(_stack.DatabaseName));
        var clientId = await _stack.RegisterAsync(Client, "Client #1 again");
        var (status, body) = await _stack.Api.SendJsonAsync(
            HttpMethod.Delete,
            $"/clients/{clientId}/personnel?wait=10"
        );

        Assert.Equal(200, status);
        // The point of the test: the reset database hands out an id this client has already applied.
        Assert.InRange((await _stack.Api.MessageIdsOfAsync(body)).Single(), 1, usedIds.Max());
        Assert.Empty(await Client.StoredRowsAsync());
        Assert.DoesNotContain("already applied", Client.Process!.Output);
    }

    [Fact]
    public async Task AfterARestoreFromAnOlderBackupAnIdIssuedAgainStillTakesEffect()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        var client = _stack.ClientIds[0];
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10");
        var backup = await _stack.MariaDb.DumpAsync(_stack.DatabaseName);

        // Sent after the backup: the restored database issues this message's id again.
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{einstein}?wait=10");
        await RestartServerAsync(() => _stack.MariaDb.RestoreAsync(_stack.DatabaseName, backup));

        var (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Delete,
            $"/clients/{client}/personnel/{newton}?wait=10"
        );
        Assert.Equal(200, status);
        Assert.Equal(["98765432100"], (await Client.StoredRowsAsync()).Select(r => r.Ssn));

        (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{client}/personnel?replace=true&wait=10"
        );
        Assert.Equal(200, status);
        Assert.Equal(["12345678900", "98765432100"], (await Client.StoredRowsAsync()).Select(r => r.Ssn));
    }

    [Fact]
    public async Task AClientHoldingMoreThanARestoredDatabaseKnowsIsReportedUntilAVerifyFindsItInSync()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var einstein = await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        var client = _stack.ClientIds[0];
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10");
        var backup = await _stack.MariaDb.DumpAsync(_stack.DatabaseName);
        var lost = (
            await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{einstein}?wait=10")
        ).Single();
        await RestartServerAsync(() => _stack.MariaDb.RestoreAsync(_stack.DatabaseName, backup));

        // The restarted server connects to the client with its next delivery; the client says what it applied last.
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10");
        var row = await _stack.Api.JsonAsync($"/clients/{client}");
        Assert.Equal(lost, row["aheadOfServer"]?.GetValue<long>());
        Assert.NotNull(row["aheadSince"]);
        Assert.Contains(
            $"Client {client} has applied message {lost}, which this database does not know",
            _stack.Server.Process.Output
        );

        // What is issued from now on passes what the client holds.
        Assert.True(
            (await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10")).Single() > lost
        );

        // The client holds Einstein, whom the restored database never sent it: verify says so, the flag stays.
        var (_, verdict) = await _stack.Api.SendJsonAsync(HttpMethod.Get, $"/clients/{client}/verify?wait=30");
        Assert.Equal(1, verdict["extra"]!.GetValue<long>());
        Assert.NotNull((await _stack.Api.JsonAsync($"/clients/{client}"))["aheadOfServer"]);

        // The operator decides the server is right: a sync, then a verify in sync, and the flag is gone.
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel?sync=true&wait=30");
        (_, verdict) = await _stack.Api.SendJsonAsync(HttpMethod.Get, $"/clients/{client}/verify?wait=30");
        Assert.True(verdict["inSync"]!.GetValue<bool>(), verdict.ToJsonString());
        Assert.Null((await _stack.Api.JsonAsync($"/clients/{client}"))["aheadOfServer"]);
    }

    [Fact]
    public async Task AMessageInABackupThatWasAppliedAfterItIsNotAppliedAgainOnRestore()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var client = _stack.ClientIds[0];
        await Client.Process!.StopAsync();
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}");
        var backup = await _stack.MariaDb.DumpAsync(_stack.DatabaseName);
        await Client.StartAsync();
        await _stack.DrainedAsync();
        await _stack.OperateAsync(HttpMethod.Delete, $"/clients/{client}/personnel/{newton}?wait=10");
        Assert.Empty(await Client.StoredRowsAsync());

        // The restored outbox still holds the send as pending: it is redelivered and recognised.
        await RestartServerAsync(() => _stack.MariaDb.RestoreAsync(_stack.DatabaseName, backup));
        await _stack.DrainedAsync();

        Assert.Empty(await Client.StoredRowsAsync());
        Assert.Contains("already applied", Client.Process!.Output);
    }

    private async Task RestartServerAsync(Func<Task> whileStopped)
    {
        await _stack.Server.Process.StopAsync();
        await whileStopped();
        await _stack.StartServerAsync();
    }
}
