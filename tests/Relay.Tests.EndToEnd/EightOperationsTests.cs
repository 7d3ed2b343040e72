using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

public sealed class EightOperationsTests : IAsyncLifetime
{
    private const string Newton = "12345678900";
    private const string Einstein = "98765432100";
    private readonly RelayStack _stack = new(clients: 2);
    private long _newton,
        _einstein;

    public async Task InitializeAsync()
    {
        await _stack.StartAsync();
        _newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", Newton);
        _einstein = await _stack.CreatePersonnelAsync("Albert", "Einstein", Einstein);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task EachOperationChangesTheClientsSqliteFilesAndListingsAsItSays()
    {
        var (c1, c2) = (_stack.ClientIds[0], _stack.ClientIds[1]);
        string[] none = [],
            newton = [Newton],
            einstein = [Einstein],
            both = [Newton, Einstein];

        await Step(HttpMethod.Put, $"/clients/{c1}/personnel/{_newton}", newton, none);
        await Step(HttpMethod.Put, $"/clients/all/personnel/{_einstein}", both, einstein);
        await Step(HttpMethod.Put, "/clients/all/personnel", both, both);
        await Step(HttpMethod.Delete, $"/clients/{c1}/personnel/{_newton}", einstein, both);
        await Step(HttpMethod.Delete, $"/clients/all/personnel/{_einstein}", none, newton);
        await Step(HttpMethod.Delete, "/clients/all/personnel", none, none);
        await Step(HttpMethod.Put, $"/clients/{c2}/personnel", none, both);
        await Step(HttpMethod.Delete, $"/clients/{c2}/personnel", none, none);

        var logs = _stack.Diagnostics();
        foreach (
            var secret in new[]
            {
                Newton,
                Einstein,
                RelayStack.ApiKey,
                RelayStack.MasterKey,
                _stack.Clients[0].Credential.Encode().Split('.')[^1],
            }
        )
        {
            Assert.DoesNotContain(secret, logs);
        }
    }

    [Fact]
    public async Task ASavedPersonnelArrivesWithEveryFieldAndEditsArriveWithTheNextSend()
    {
        var c1 = _stack.ClientIds[0];
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{c1}/personnel/{_newton}");
        await Eventually.ReturnsAsync(
            () => _stack.Clients[0].StoredRowsAsync(),
            rows => rows.Length == 1,
            because: "first send"
        );

        (
            await _stack.Api.PutAsJsonAsync(
                $"/personnel/{_newton}",
                new
                {
                    name = "Sir Isaac",
                    surname = "Newton ' --",
                    ssn = Newton,
                }
            )
        ).EnsureSuccessStatusCode();
        await _stack.OperateAsync(HttpMethod.Put, $"/clients/{c1}/personnel/{_newton}");

        var rows = await Eventually.ReturnsAsync(
            () => _stack.Clients[0].StoredRowsAsync(),
            rows => rows is [{ Name: "Sir Isaac" }],
            because: "edited send"
        );
        Assert.Equal((_newton, "Sir Isaac", "Newton ' --", Newton), rows.Single());
    }

    [Fact]
    public async Task DeliveredMessagesLeaveTheOutboxAndReportDelivered()
    {
        var ids = await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel");

        foreach (var id in ids)
        {
            var status = await Eventually.ReturnsAsync(
                () => _stack.Api.GetFromJsonAsync<JsonObject>($"/messages/{id}"),
                s => s!["state"]!.GetValue<string>() == "delivered",
                because: $"message {id}"
            );
            Assert.Equal(1, status!["attempts"]!.GetValue<int>());
        }

        var pending = await _stack.Api.GetFromJsonAsync<JsonObject>("/messages");
        Assert.Empty(pending!["items"]!.AsArray());

        // The broadcast's shared snapshot goes once both clients have it.
        await using var db = new MySqlConnector.MySqlConnection(_stack.ConnectionString);
        await Eventually.ReturnsAsync(
            () => Dapper.SqlMapper.ExecuteScalarAsync<long>(db, "SELECT COUNT(*) FROM batches"),
            n => n == 0,
            because: "acknowledged batches are swept"
        );
        var client = await _stack.Api.GetFromJsonAsync<JsonObject>($"/clients/{_stack.ClientIds[0]}");
        Assert.NotNull(client!["lastContactAt"]);
    }

    private async Task Step(HttpMethod method, string path, string[] wantOnClient1, string[] wantOnClient2)
    {
        await _stack.OperateAsync(method, path);
        var want = new[] { wantOnClient1.Order().ToArray(), wantOnClient2.Order().ToArray() };
        for (var i = 0; i < 2; i++)
        {
            var client = _stack.Clients[i];
            await Eventually.ReturnsAsync(
                client.ListedSsnsAsync,
                got => got.SequenceEqual(want[i]),
                TimeSpan.FromSeconds(5),
                because: $"{method} {path}: client {i + 1} listing should be [{string.Join(' ', want[i])}]"
            );
            var stored = await client.StoredRowsAsync();
            Assert.Equal(want[i], stored.Select(r => r.Ssn).Order());
        }
    }
}
