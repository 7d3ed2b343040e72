using System.Diagnostics;
using MySqlConnector;

namespace Relay.Testing;

/// <summary>
/// A private MariaDB for one test run, started with the same script as <c>make run</c>. Each test
/// class asks for its own database, so classes run in parallel without seeing each other's rows.
/// </summary>
public sealed class MariaDbServer : IDatabaseHost, IAsyncDisposable
{
    private static readonly Lazy<Task<MariaDbServer>> SharedInstance = new(() => StartAsync());

    private readonly Lazy<Task<SchemaTemplate>> _schema;
    private int _pid;

    private MariaDbServer(string directory, int port, int pid)
    {
        Directory = directory;
        Port = port;
        _pid = pid;
        _schema = new(async () => await SchemaTemplate.MakeAsync(await CreateDatabaseAsync("schema"), OpenRootAsync));
    }

    public string Directory { get; }

    public int Port { get; }

    public string Socket => Path.Combine(Directory, "mysql.sock");

    /// <summary>CPU time the database server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        using var process = Process.GetProcessById(_pid);
        return process.TotalProcessorTime;
    }

    public async Task<long> QuestionsAsync()
    {
        await using var root = await OpenRootAsync();
        await using var command = new MySqlCommand("SHOW GLOBAL STATUS LIKE 'Questions'", root);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>One server for the whole test process, stopped when the process exits.</summary>
    public static Task<MariaDbServer> Shared => SharedInstance.Value;

    public static async Task<MariaDbServer> StartAsync()
    {
        var directory = TempFolders.Create("relay-mariadb-");

        // A port free a moment ago can be taken by an outgoing connection before MariaDB binds it: try another.
        var (port, pid) = (0, 0);
        for (var attempt = 1; pid == 0; attempt++)
        {
            port = FreePort.Next();
            try
            {
                pid = await LaunchAsync(directory, port);
            }
            catch (InvalidOperationException) when (attempt < 3) { }
        }

        var server = new MariaDbServer(directory, port, pid);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Delete();
        await using var root = await server.OpenRootAsync();
        await using var command = new MySqlCommand(
            """
            CREATE USER IF NOT EXISTS 'relay'@'%' IDENTIFIED BY 'relay';
            CREATE USER IF NOT EXISTS 'relay'@'localhost' IDENTIFIED BY 'relay';
            GRANT ALL ON *.* TO 'relay'@'%';
            GRANT ALL ON *.* TO 'relay'@'localhost';
            """,
            root
        );
        await command.ExecuteNonQueryAsync();
        return server;
    }

    /// <summary>Creates an empty database and returns the connection string the server would be given.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "relay") => CreateAsync(prefix, schema: null);

    /// <summary>Creates a database with the schema as the server's migrations leave it (<see cref="SchemaTemplate"/>),
    /// and returns the connection string the server would be given.</summary>
    public async Task<string> CreateDatabaseWithSchemaAsync(string prefix = "relay") =>
        await CreateAsync(prefix, await _schema.Value);

    private async Task<string> CreateAsync(string prefix, SchemaTemplate? schema)
    {
        await using var root = await OpenRootAsync();
        var name = await SchemaTemplate.CreateDatabaseAsync(root, prefix, schema);
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Server=127.0.0.1;Port={Port};Database={database};User ID=relay;Password=relay;Pooling=true";

    public async Task<MySqlConnection> OpenRootAsync()
    {
        var connection = new MySqlConnection($"Server={Socket};Protocol=Unix;User ID=root;Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Drops a database and creates it again, empty: what an operator's reset does.</summary>
    public async Task ResetDatabaseAsync(string database)
    {
        await using var root = await OpenRootAsync();
        await using var command = new MySqlCommand(
            $"DROP DATABASE `{database}`; CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
            root
        );
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A logical backup with mariadb-dump, as an operator takes one; returns the file.</summary>
    public async Task<string> DumpAsync(string database)
    {
        var file = Path.Combine(Directory, $"{database}-{Guid.NewGuid():N}.sql");
        var (exit, output) = await Scripts.RunAsync(
            "bash",
            "-c",
            "mariadb-dump --no-defaults --socket=\"$1\" -uroot --single-transaction \"$2\" > \"$3\"",
            "dump",
            Socket,
            database,
            file
        );
        return exit == 0 ? file : throw new InvalidOperationException($"mariadb-dump failed: {output}");
    }

    /// <summary>Replaces a database with a backup taken by <see cref="DumpAsync"/>.</summary>
    public async Task RestoreAsync(string database, string dumpFile)
    {
        await ResetDatabaseAsync(database);
        var (exit, output) = await Scripts.RunAsync(
            "bash",
            "-c",
            "mariadb --no-defaults --socket=\"$1\" -uroot \"$2\" < \"$3\"",
            "restore",
            Socket,
            database,
            dumpFile
        );
        if (exit != 0)
        {
            throw new InvalidOperationException($"restoring {dumpFile} failed: {output}");
        }
    }

    /// <summary>Starts the server again on the same data and port after <see cref="Kill"/>.</summary>
    public async Task StartAgainAsync() => _pid = await LaunchAsync(Directory, Port);

    private static async Task<int> LaunchAsync(string directory, int port)
    {
        var script = Path.Combine(Repo.Root, "scripts", "mariadb.sh");
        var (exit, output) = await Scripts.RunAsync("bash", script, directory, port.ToString());
        if (exit != 0 || !int.TryParse(output.Trim().Split('\n')[^1], out var pid))
        {
            throw new InvalidOperationException(
                $"MariaDB did not start (is mariadb-server installed? `make test` installs it): {output}"
            );
        }

        return pid;
    }

    /// <summary>kill -9 of the database, as in a crash; <see cref="StartAgainAsync"/> brings it back.</summary>
    public void Kill()
    {
        try
        {
            using var process = Process.GetProcessById(_pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private void Delete()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public ValueTask DisposeAsync()
    {
        Delete();
        return ValueTask.CompletedTask;
    }
}
