using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Contracts.Personnel;
using Relay.Testing;
using Xunit.Abstractions;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A seeded random stream of every kind of operation, with edits and server-side deletes (most of
/// them propagated to the clients) between sends, against two server instances and three clients, each client in a
/// network namespace of
/// its own: clients and server instances are killed with SIGKILL, clients are cut off by the
/// kernel (iptables DROP) and healed, and MySQL is restarted once. At the end every client's SQLite file must equal the
/// model. The seed is
/// printed on failure: RELAY_CHAOS_SEED=... replays it; RELAY_CHAOS_SECONDS sets the length
/// (`make chaos` runs the long version).
/// </summary>
[TakesAbout(40)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    internal const int ClientCount = 3;

    [Fact]
    public async Task ARandomStreamOfOperationsWithCrashesEndsWithEveryClientHoldingWhatTheModelSays()
    {
        var (seed, seconds) = Settings(output);
        await using var mariadb = await MariaDbServer.StartAsync();
        await using var stack = new RelayStack(ClientCount, mariadb, ServerSettings, isolatedClients: ClientCount);
        await RunAndCheckAsync(
            stack,
            new ChaosRun(stack, new Random(seed), output) { MariaDb = mariadb },
            seed,
            seconds,
            output
        );
    }

    /// <summary>Small batches, so that a crash falls between the parts of an operation more often.</summary>
    internal static readonly Dictionary<string, string> ServerSettings = new() { ["Outbox:BatchSize"] = "3" };

    /// <summary>The run's seed (RELAY_CHAOS_SEED replays one) and length (RELAY_CHAOS_SECONDS, or <paramref
    /// name="seconds"/>).</summary>
    internal static (int Seed, int Seconds) Settings(ITestOutputHelper output, int seconds = 20)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("RELAY_CHAOS_SEED"), out var s)
            ? s
            : Random.Shared.Next();
        seconds = int.TryParse(Environment.GetEnvironmentVariable("RELAY_CHAOS_SECONDS"), out var d) ? d : seconds;
        output.WriteLine($"chaos seed {seed}, {seconds} s");
        return (seed, seconds);
    }

    /// <summary>
    /// Starts the stack with a second instance (on a cluster, through node 2), runs the chaos,
    /// settles, and checks every client against the model, then verify and sync.
    /// </summary>
    internal static async Task RunAndCheckAsync(
        RelayStack stack,
        ChaosRun run,
        int seed,
        int seconds,
        ITestOutputHelper output
    )
    {
        try
        {
            await stack.StartAsync();
            await stack.StartServerAsync(node: 2);
            await run.RunAsync(TimeSpan.FromSeconds(seconds));
            await run.SettleAsync();
            for (var i = 0; i < ClientCount; i++)
            {
                var expected = run
                    .Model.Clients[i]
                    .Values.OrderBy(p => p.Id)
                    .Select(p => (p.Id, p.Name, p.Surname, p.Ssn))
                    .ToArray();
                var actual = await stack.Clients[i].StoredRowsAsync();
                Assert.True(
                    expected.SequenceEqual(actual),
                    $"client {i + 1} diverged from the model.\nexpected: {string.Join(", ", expected)}\nactual:   {string.Join(", ", actual)}"
                );
            }

            await VerifyThenSyncAsync(stack, run.Model);
            output.WriteLine(
                $"{run.Steps} operations, {run.Kills} kills, {run.NodeKills} node kills, {run.Partitions} partitions, no divergence; verify and sync agreed with the model"
            );
        }
        catch (Exception e)
        {
            var tail = string.Join('\n', stack.Diagnostics().Split('\n').TakeLast(80));
            throw new InvalidOperationException(
                $"Chaos run failed; replay with RELAY_CHAOS_SEED={seed} RELAY_CHAOS_SECONDS={seconds}: {e.Message}\n{tail}",
                e
            );
        }
    }

    /// <summary>
    /// Verify must see what the model sees: a client holds extra what the server removed without
    /// telling the clients, and different what it edited the same way; nothing is missing. A sync
    /// then makes every client hold exactly the server's personnel.
    /// </summary>
    private static async Task VerifyThenSyncAsync(RelayStack stack, ChaosModel model)
    {
        var (_, fleet) = await stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=60");
        var verdicts = fleet["verifications"]!.AsArray().Select(v => v!.AsObject()).ToList();
        for (var i = 0; i < ClientCount; i++)
        {
            var held = model.Clients[i];
            var verdict = verdicts.Single(v => v["clientId"]!.GetValue<long>() == stack.ClientIds[i]);
            var extra = held.Keys.Count(id => !model.Server.ContainsKey(id));
            var different = held.Count(h => model.Server.TryGetValue(h.Key, out var now) && now != h.Value);
            Assert.True(
                (
                    verdict["state"]!.GetValue<string>(),
                    verdict["missing"]!.GetValue<long>(),
                    verdict["extra"]!.GetValue<long>(),
                    verdict["different"]!.GetValue<long>()
                ) == ("judged", 0, extra, different),
                $"client {i + 1}: verify said {verdict.ToJsonString()}, the model {extra} extra and {different} different"
            );
        }

        var (status, _) = await stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel?sync=true&wait=60");
        Assert.Equal(200, status);
        var server = model.Server.Values.OrderBy(p => p.Id).Select(p => (p.Id, p.Name, p.Surname, p.Ssn)).ToArray();
        foreach (var client in stack.Clients)
        {
            Assert.Equal(server, await client.StoredRowsAsync());
        }

        var (_, again) = await stack.Api.SendJsonAsync(HttpMethod.Get, "/clients/all/verify?wait=60");
        Assert.True(again["inSync"]!.GetValue<bool>(), again.ToJsonString());
    }
}
