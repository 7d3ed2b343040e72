using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Relay.Testing;

namespace Relay.Bench;

public sealed record RepairResult(
    int Personnel,
    int RowsWrong,
    double VerifySeconds,
    long VerifyBytes,
    long Missing,
    long Extra,
    long Different,
    double SyncSeconds,
    long SyncRowsSent,
    double ReplaceSeconds,
    long ReplaceRowsSent,
    double InSyncVerifySeconds,
    long InSyncVerifyBytes
);

/// <summary>
/// One client holding all personnel, ten of its rows made wrong behind Relay's back: verify finds
/// them, sync repairs them, and a full replace does the same the old way, each timed from the call
/// to the answer (<c>?wait</c>) with the rows it sent.
/// </summary>
public static class RepairBench
{
    private const string Tamper = """
        UPDATE personnel SET surname = 'Tampered' WHERE id IN (11, 22222, 55555, 99999);
        DELETE FROM personnel WHERE id IN (33, 44444, 77777);
        INSERT OR REPLACE INTO personnel (id, name, surname, ssn) VALUES (900001, 'Stray', 'One', '90000000001'), (900002, 'Stray', 'Two', '90000000002'), (900003, 'Stray', 'Three', '90000000003');
        """;

    public static async Task<RepairResult> RunAsync(BenchStack stack, int clientIndex, int personnel)
    {
        var (id, database) = stack.Client(clientIndex);
        var (inSyncSeconds, inSync) = await TimedAsync(() => stack.Api.GetAsync($"/clients/{id}/verify?wait=60"));
        Require(inSync["inSync"]!.GetValue<bool>(), "the client should start in sync", inSync);

        await TamperAsync(database);
        var (verifySeconds, verdict) = await TimedAsync(() => stack.Api.GetAsync($"/clients/{id}/verify?wait=60"));
        var (syncSeconds, sync) = await TimedAsync(() =>
            stack.Api.PutAsync($"/clients/{id}/personnel?sync=true&wait=60", null)
        );
        var syncRows = await ItemsSentAsync(stack, sync);
        var (_, repaired) = await TimedAsync(() => stack.Api.GetAsync($"/clients/{id}/verify?wait=60"));
        Require(repaired["inSync"]!.GetValue<bool>(), "sync should leave the client in sync", repaired);

        await TamperAsync(database);
        var (replaceSeconds, replace) = await TimedAsync(() =>
            stack.Api.PutAsync($"/clients/{id}/personnel?replace=true&wait=60", null)
        );
        var replaceRows = await ItemsSentAsync(stack, replace);

        return new RepairResult(
            personnel,
            10,
            verifySeconds,
            verdict["bytesMoved"]!.GetValue<long>(),
            verdict["missing"]!.GetValue<long>(),
            verdict["extra"]!.GetValue<long>(),
            verdict["different"]!.GetValue<long>(),
            syncSeconds,
            syncRows,
            replaceSeconds,
            replaceRows,
            inSyncSeconds,
            inSync["bytesMoved"]!.GetValue<long>()
        );
    }

    private static async Task<(double Seconds, JsonObject Body)> TimedAsync(Func<Task<HttpResponseMessage>> call)
    {
        var watch = Stopwatch.StartNew();
        using var response = await call();
        var seconds = watch.Elapsed.TotalSeconds;
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Require(
            (int)response.StatusCode == 200,
            $"{response.RequestMessage?.RequestUri} should answer 200, not {(int)response.StatusCode}",
            body
        );
        return (seconds, body);
    }

    /// <summary>Rows a delivered operation sent: the sum of its messages' item counts.</summary>
    private static async Task<long> ItemsSentAsync(BenchStack stack, JsonObject operation)
    {
        var messages = await stack.Api.OperationMessagesAsync(operation["id"]!.GetValue<long>());
        return messages.Sum(m => m["itemCount"]!.GetValue<long>());
    }

    private static async Task TamperAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(Tamper, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static void Require(bool condition, string what, JsonObject body)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{what}: {body.ToJsonString()}");
        }
    }
}
