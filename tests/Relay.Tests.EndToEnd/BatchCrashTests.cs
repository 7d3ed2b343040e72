using Dapper;
using MySqlConnector;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

public sealed class BatchCrashTests : IAsyncLifetime
{
    private const int BatchSize = 500;
    private const int Personnel = 6000;
    private readonly RelayStack _stack = new(
        clients: 1,
        serverSettings: new Dictionary<string, string> { ["Outbox:BatchSize"] = BatchSize.ToString() }
    );

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task AClientKilledWhileApplyingBatchesHoldsWholeBatchesOnlyAndGetsTheRestAfterRestart()
    {
        await using (var db = new MySqlConnection(_stack.ConnectionString))
        {
            for (var start = 0; start < Personnel; start += 1000)
            {
                await db.ExecuteAsync(
                    "INSERT INTO personnel (name, surname, ssn, updated_at) VALUES (@Name, @Surname, @Ssn, UTC_TIMESTAMP(6))",
                    Enumerable
                        .Range(start, 1000)
                        .Select(i => new
                        {
                            Name = $"N{i}",
                            Surname = "Batch",
                            Ssn = $"{90_000_000_000L + i}",
                        })
                );
            }
        }

        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel");
        var client = _stack.Clients[0];
        await Eventually.ReturnsAsync(
            client.StoredRowsAsync,
            rows => rows.Length > 0,
            because: "batches start arriving"
        );
        client.Process!.Kill();

        var held = (await client.StoredRowsAsync()).Length;
        Assert.True(held % BatchSize == 0, $"after kill -9 the client holds {held} rows: a batch was half applied");

        await client.StartAsync();
        await _stack.DrainedAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Personnel, (await client.StoredRowsAsync()).Length);
    }
}
