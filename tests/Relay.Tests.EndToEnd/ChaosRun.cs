using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Relay.Contracts.Personnel;
using Relay.Testing;
using Xunit.Abstractions;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// One chaos run: picks operations and faults from the seeded random source. On one MariaDB it
/// restarts MySQL once; on a Galera cluster it kills nodes with SIGKILL (one at a time, so the
/// cluster keeps its primary component) and starts them again some steps later.
/// </summary>
internal sealed class ChaosRun(RelayStack stack, Random random, ITestOutputHelper output)
{
    private readonly Dictionary<int, int> _clientBackAtStep = [];
    private readonly Dictionary<int, int> _nodeBackAtStep = [];
    private readonly Dictionary<int, int> _linkHealsAtStep = [];
    private readonly List<long> _removed = [];
    private int _ssn;

    public ChaosModel Model { get; } = new(ChaosTests.ClientCount);

    public int Steps { get; private set; }

    public int Kills { get; private set; }

    public int Partitions { get; private set; }

    /// <summary>The single MariaDB the stack runs on, restarted once during the run.</summary>
    public MariaDbServer? MariaDb { get; init; }

    /// <summary>The cluster the stack runs on, whose nodes are killed during the run.</summary>
    public GaleraCluster? Cluster { get; init; }

    public int NodeKills { get; private set; }

    public async Task RunAsync(TimeSpan length)
    {
        for (var i = 0; i < 6; i++)
        {
            await CreatePersonnelAsync();
        }

        var started = DateTime.UtcNow;
        var mySqlRestartAt = started + length * (0.2 + random.NextDouble() * 0.5);
        var mySqlRestarted = false;
        while (DateTime.UtcNow - started < length)
        {
            Steps++;
            await MaybeBreakSomethingAsync();
            if (!mySqlRestarted && DateTime.UtcNow > mySqlRestartAt)
            {
                await BreakTheDatabaseAsync();
                mySqlRestarted = true;
            }

            await OneOperationAsync();
            await Task.Delay(random.Next(0, 40));
        }
    }

    /// <summary>Brings everything back, then waits until the outbox is empty and nothing failed.</summary>
    public async Task SettleAsync()
    {
        foreach (var node in _nodeBackAtStep.Keys.ToList())
        {
            await StartNodeAsync(node);
        }

        foreach (var client in stack.Clients.Where(c => c.Host!.IsCut))
        {
            await client.Host!.HealAsync();
        }

        for (var i = 0; i < stack.Clients.Count; i++)
        {
            if (stack.Clients[i].Process?.HasExited != false)
            {
                await stack.Clients[i].StartAsync();
            }
        }

        await stack.DrainedAsync(TimeSpan.FromSeconds(60));
        var failed = await stack.Api.JsonAsync("/messages?state=failed");
        Assert.True(failed["items"]!.AsArray().Count == 0, $"messages failed: {failed.ToJsonString()}");
    }

    private async Task BreakTheDatabaseAsync()
    {
        if (MariaDb is { } mariadb)
        {
            output.WriteLine($"step {Steps}: restarting MySQL");
            mariadb.Kill();
            await Task.Delay(random.Next(100, 1500));
            await mariadb.StartAgainAsync();
        }
        else if (Cluster is { } cluster && _nodeBackAtStep.Count == 0)
        {
            var node = random.Next(1, GaleraCluster.Nodes + 1);
            output.WriteLine($"step {Steps}: kill -9 Galera node {node}");
            cluster.Kill(node);
            _nodeBackAtStep[node] = Steps + random.Next(5, 40);
            NodeKills++;
        }
    }

    private async Task StartNodeAsync(int node)
    {
        output.WriteLine($"step {Steps}: Galera node {node} started again");
        await Cluster!.StartAgainAsync(node);
        _nodeBackAtStep.Remove(node);
    }

    private async Task MaybeBreakSomethingAsync()
    {
        foreach (var (node, _) in _nodeBackAtStep.Where(kv => kv.Value <= Steps).ToList())
        {
            await StartNodeAsync(node);
        }

        foreach (var (client, back) in _clientBackAtStep.Where(kv => kv.Value <= Steps).ToList())
        {
            await stack.Clients[client].StartAsync();
            _clientBackAtStep.Remove(client);
        }

        foreach (var (client, _) in _linkHealsAtStep.Where(kv => kv.Value <= Steps).ToList())
        {
            output.WriteLine($"step {Steps}: link to client {client + 1} healed");
            await stack.Clients[client].Host!.HealAsync();
            _linkHealsAtStep.Remove(client);
        }

        var roll = random.NextDouble();
        if (roll < 0.04)
        {
            var client = random.Next(stack.Clients.Count);
            if (!_clientBackAtStep.ContainsKey(client))
            {
                output.WriteLine($"step {Steps}: kill -9 client {client + 1}");
                stack.Clients[client].Process!.Kill();
                _clientBackAtStep[client] = Steps + random.Next(1, 12);
                Kills++;
            }
        }
        else if (roll < 0.06)
        {
            var running = stack.Servers.Where(s => !s.Process.HasExited).ToList();
            var victim = running[random.Next(running.Count)];
            output.WriteLine($"step {Steps}: kill -9 {victim.Process.Name}");
            victim.Process.Kill();
            Kills++;
            await stack.StartServerAsync(node: Cluster is null ? 1 : random.Next(1, GaleraCluster.Nodes + 1));
        }
        else if (Cluster is not null && roll < 0.11)
        {
            await BreakTheDatabaseAsync();
        }
        else if (roll < 0.09)
        {
            var client = random.Next(stack.Clients.Count);
            if (!_linkHealsAtStep.ContainsKey(client))
            {
                output.WriteLine($"step {Steps}: link to client {client + 1} cut");
                await stack.Clients[client].Host!.CutAsync(stack.Clients[client].TcpPort);
                _linkHealsAtStep[client] = Steps + random.Next(3, 30);
                Partitions++;
            }
        }
    }

    private async Task OneOperationAsync()
    {
        var ids = Model.Server.Keys.ToArray();
        var person = ids[random.Next(ids.Length)];
        int? client = random.Next(2) == 0 ? null : random.Next(stack.Clients.Count);
        var target = client is { } c ? stack.ClientIds[c].ToString() : "all";
        switch (random.Next(100))
        {
            case < 15:
                var edited = Model.Server[person] with { Name = RandomName(), Surname = RandomName() };
                var propagate = random.Next(4) > 0;
                await CallAsync(
                    HttpMethod.Put,
                    $"/personnel/{person}{(propagate ? "" : "?propagate=false")}",
                    new
                    {
                        name = edited.Name,
                        surname = edited.Surname,
                        ssn = edited.Ssn,
                    }
                );
                Model.Server[person] = edited;
                if (propagate)
                {
                    Model.Edit(person);
                }

                break;
            case < 20 when ids.Length < 25:
                await CreatePersonnelAsync();
                break;
            case < 23 when ids.Length > 3:
                var removeFromClients = random.Next(4) > 0;
                await CallAsync(
                    HttpMethod.Delete,
                    $"/personnel/{person}{(removeFromClients ? "" : "?propagate=false")}"
                );
                Model.Server.Remove(person);
                if (removeFromClients)
                {
                    Model.Delete(person, client: null);
                }

                _removed.Add(person);
                break;
            case < 50:
                await CallAsync(HttpMethod.Put, $"/clients/{target}/personnel/{person}");
                Model.Send(person, client);
                break;
            case < 62:
                await CallAsync(HttpMethod.Put, $"/clients/{target}/personnel");
                Model.SendAll(client, replace: false);
                break;
            case < 67:
                await CallAsync(HttpMethod.Put, $"/clients/{target}/personnel?replace=true");
                Model.SendAll(client, replace: true);
                break;
            case < 92:
                // Now and then an id the server no longer has: deleting it from the clients still works.
                var gone = _removed.Count > 0 && random.Next(5) == 0 ? _removed[random.Next(_removed.Count)] : person;
                await CallAsync(HttpMethod.Delete, $"/clients/{target}/personnel/{gone}");
                Model.Delete(gone, client);
                break;
            default:
                await CallAsync(HttpMethod.Delete, $"/clients/{target}/personnel");
                Model.DeleteAll(client);
                break;
        }
    }

    private async Task CreatePersonnelAsync()
    {
        var record = new PersonnelRecord(
            0,
            RandomName(),
            RandomName(),
            $"{7_000_000_000_0 + Interlocked.Increment(ref _ssn):D11}"
        );
        var created = await CallAsync(
            HttpMethod.Post,
            "/personnel",
            new
            {
                name = record.Name,
                surname = record.Surname,
                ssn = record.Ssn,
            }
        );
        var id = created["id"]!.GetValue<long>();
        Model.Server[id] = record with { Id = id };
    }

    /// <summary>
    /// Calls the API until it accepts. Faults are injected only between calls, so a call that
    /// failed (503 while MySQL restarts, refused while the server restarts) changed nothing.
    /// </summary>
    private async Task<JsonObject> CallAsync(HttpMethod method, string path, object? body = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(method, path)
                {
                    Content = body is null ? null : JsonContent.Create(body),
                };
                // Either server instance may take the call: they share one outbox.
                var running = stack.Servers.Where(s => !s.Process.HasExited).ToList();
                using var response = await running[random.Next(running.Count)].Api.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode is >= 200 and < 300)
                {
                    return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
                }

                if ((int)response.StatusCode != 503 || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }

            await Task.Delay(100);
        }
    }

    private string RandomName()
    {
        string[] parts =
        [
            "Ada",
            "Zoë",
            "O'Brien",
            "李",
            "Ñandú",
            "x; DROP TABLE personnel; --",
            "\"q\"",
            "Émile",
            "🚀",
            "Bob",
        ];
        return parts[random.Next(parts.Length)] + random.Next(1000);
    }
}
