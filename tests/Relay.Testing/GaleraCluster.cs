using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace Relay.Testing;

/// <summary>
/// A private 3-node MariaDB Galera cluster on loopback for one test run, started with
/// <c>scripts/galera.sh</c>: node N listens on 127.0.0.N, every node on the same port, so one
/// connection string can name all three. Nodes can be killed (-9) and started again, when they
/// rejoin by IST.
/// </summary>
public sealed class GaleraCluster : IDatabaseHost, IAsyncDisposable
{
    public const int Nodes = 3;

    private static readonly Lazy<Task<GaleraCluster>> SharedInstance = new(() => StartAsync());

    private readonly int[] _pids;
    private readonly Lazy<Task<SchemaTemplate>> _schema;

    private GaleraCluster(string directory, int port, int groupPort, int[] pids)
    {
        Directory = directory;
        Port = port;
        GroupPort = groupPort;
        _pids = pids;
        _schema = new(async () =>
            await SchemaTemplate.MakeAsync(await CreateDatabaseAsync("schema"), () => OpenRootAsync(FirstRunningNode()))
        );
    }

    public string Directory { get; }

    public int Port { get; }

    public int GroupPort { get; }

    /// <summary>One cluster for the whole test process, stopped when the process exits.</summary>
    public static Task<GaleraCluster> Shared => SharedInstance.Value;

    public static string Address(int node) => $"127.0.0.{node}";

    public static async Task<GaleraCluster> StartAsync()
    {
        var directory = TempFolders.Create("relay-galera-");
        var (port, group) = (FreePorts(1), FreePorts(3));
        var (exit, output) = await Scripts.RunAsync(
            "bash",
            Path.Combine(Repo.Root, "scripts", "galera.sh"),
            directory,
            port.ToString(),
            group.ToString()
        );
        var pids = output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => int.TryParse(line, out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .ToArray();
        if (exit != 0 || pids.Length != Nodes)
        {
            throw new InvalidOperationException(
                $"The Galera cluster did not start (are galera-4 and mariadb-backup installed? `make test` installs them): {output}"
            );
        }

        var cluster = new GaleraCluster(directory, port, group, pids);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Delete();
        await using var root = await cluster.OpenRootAsync(1);
        foreach (
            var sql in (string[])
                ["CREATE USER IF NOT EXISTS 'relay'@'%' IDENTIFIED BY 'relay'", "GRANT ALL ON *.* TO 'relay'@'%'"]
        )
        {
            await using var command = new MySqlCommand(sql, root);
            await command.ExecuteNonQueryAsync();
        }

        return cluster;
    }

    /// <summary>Creates an empty database and returns a connection string that prefers node 1, then the
    /// others.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "relay") => CreateAsync(prefix, schema: null);

    /// <summary>The same, with the schema the server's migrations make: on a cluster every one of their sixty-odd
    /// steps is a schema change all three nodes apply in turn, and the suite's stacks wait for it.</summary>
    public async Task<string> CreateDatabaseWithSchemaAsync(string prefix = "relay") =>
        await CreateAsync(prefix, await _schema.Value);

    private async Task<string> CreateAsync(string prefix, SchemaTemplate? schema)
    {
        await using var root = await OpenRootAsync(FirstRunningNode());
        var name = await SchemaTemplate.CreateDatabaseAsync(root, prefix, schema);
        return ConnectionString(name, 1);
    }

    /// <summary>
    /// The connection string of an instance "on" <paramref name="node"/>: all three nodes named,
    /// that one first, failing over to the others in order when it is down.
    /// </summary>
    public string ConnectionString(string database, int node)
    {
        var order = Enumerable.Range(0, Nodes).Select(i => Address((node - 1 + i) % Nodes + 1));
        return $"Server={string.Join(',', order)};Port={Port};LoadBalance=FailOver;Database={database};User ID=relay;Password=relay;Pooling=true";
    }

    /// <summary>A connection string naming one node alone: what a test reads a node's own view with.</summary>
    public string NodeConnectionString(string database, int node) =>
        $"Server={Address(node)};Port={Port};Database={database};User ID=relay;Password=relay;Pooling=false";

    public async Task<MySqlConnection> OpenRootAsync(int node)
    {
        var connection = new MySqlConnection($"Server={Socket(node)};Protocol=Unix;User ID=root;Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    public TimeSpan CpuTime()
    {
        var total = TimeSpan.Zero;
        for (var node = 1; node <= Nodes; node++)
        {
            if (IsRunning(node))
            {
                using var process = Process.GetProcessById(_pids[node - 1]);
                total += process.TotalProcessorTime;
            }
        }

        return total;
    }

    public async Task<long> QuestionsAsync()
    {
        var total = 0L;
        for (var node = 1; node <= Nodes; node++)
        {
            await using var root = await OpenRootAsync(node);
            await using var command = new MySqlCommand("SHOW GLOBAL STATUS LIKE 'Questions'", root);
            await using var reader = await command.ExecuteReaderAsync();
            total += await reader.ReadAsync()
                ? long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture)
                : 0;
        }

        return total;
    }

    public string Socket(int node) => Path.Combine(Directory, $"node{node}", "mysql.sock");

    public bool IsRunning(int node) => IsAlive(_pids[node - 1]);

    /// <summary>kill -9 of one node, as in a crash; returns once it is dead.</summary>
    public void Kill(int node)
    {
        var pid = _pids[node - 1];
        Signal(pid);
        WaitUntilDead([pid], TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts a killed node again: it finds where it stopped and rejoins the cluster (by IST when the others
    /// still hold what it missed).</summary>
    public Task StartAgainAsync(int node) => LaunchAsync(node, "recover");

    /// <summary>
    /// After every node died: the node that recovers the highest position bootstraps a new
    /// cluster from its data, the others join it (Galera's documented recovery of a full outage).
    /// </summary>
    public async Task StartAllAgainAsync()
    {
        var positions = new Dictionary<int, long>();
        for (var node = 1; node <= Nodes; node++)
        {
            positions[node] = await RecoveredSeqnoAsync(node);
        }

        var first = positions.MaxBy(p => p.Value).Key;
        await LaunchAsync(first, "bootstrap-recovered");
        foreach (var node in positions.Keys.Where(n => n != first))
        {
            await LaunchAsync(node, "recover");
        }
    }

    private async Task<long> RecoveredSeqnoAsync(int node)
    {
        var my = Path.Combine(Directory, $"node{node}", "my.cnf");
        var log = Path.Combine(Directory, $"node{node}", "recover-probe.log");
        await Scripts.RunAsync(
            "bash",
            "-c",
            "mariadbd --defaults-file=\"$1\" --wsrep-recover --log-error=\"$2\" >/dev/null 2>&1 || true",
            "recover",
            my,
            log
        );
        var line = File.ReadLines(log).LastOrDefault(l => l.Contains("Recovered position:", StringComparison.Ordinal))
            ?? "";
        return long.TryParse(line.Split(':')[^1].Trim(), out var seqno) ? seqno : -1;
    }

    private async Task LaunchAsync(int node, string mode)
    {
        var (exit, output) = await Scripts.RunAsync(
            "bash",
            Path.Combine(Repo.Root, "scripts", "galera-node.sh"),
            Directory,
            node.ToString(),
            Port.ToString(),
            GroupPort.ToString(),
            mode
        );
        if (exit != 0 || !int.TryParse(output.Trim().Split('\n')[^1], out var pid))
        {
            throw new InvalidOperationException($"Galera node {node} did not start ({mode}): {output}");
        }

        _pids[node - 1] = pid;
    }

    private int FirstRunningNode() => Enumerable.Range(1, Nodes).First(IsRunning);

    /// <summary>
    /// <paramref name="count"/> consecutive ports below 32768 that nothing listens on (on any of
    /// the nodes' addresses): above it an outgoing connection may hold one.
    /// </summary>
    private static int FreePorts(int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_000);
            if (
                Enumerable
                    .Range(first, count)
                    .All(port => Enumerable.Range(1, Nodes).All(node => IsFree(Address(node), port)))
            )
            {
                return first;
            }
        }
    }

    private static bool IsFree(string address, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(address), port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Delete()
    {
        // At process exit there is little time: every node is signalled at once, then waited for together.
        foreach (var pid in _pids)
        {
            Signal(pid);
        }

        // A node still writing as it dies would leave files behind the delete, and the folder with them.
        WaitUntilDead(_pids, TimeSpan.FromSeconds(5));

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static void WaitUntilDead(IReadOnlyCollection<int> pids, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (pids.Any(IsAlive) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    private static void Signal(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e)
            when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Alive, and not a zombie: a killed node's parent script has exited, and where nothing reaps
    /// orphans it stays a zombie (dead, its ports free) that <see cref="Process.HasExited"/> takes for running.
    /// </summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        Delete();
        return ValueTask.CompletedTask;
    }
}
