using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// <c>make run</c> as a newcomer meets it (scripts/run.sh, on ports of its own so it can run beside
/// the other tests): it says when it is ready, keeps what it writes in its state folder with
/// credentials for the user alone, stops the daemons before MariaDB on Ctrl-C without a stack trace,
/// and exits non-zero naming the part that failed.
/// </summary>
public sealed class MakeRunTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task CtrlCStopsTheDaemonsBeforeMariaDbWithoutAStackTraceAndExitsZero()
    {
        await using var run = RunScript.Start();

        await run.WaitForAsync("relay: ready:", Minute);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{run.ApiPort}") };
        api.DefaultRequestHeaders.Add("X-Api-Key", "dev-api-key");
        var clients = await api.GetStringAsync("/clients");
        Assert.Contains("Client #2", clients);
        var credentials = Directory.GetFiles(run.State, "credential", SearchOption.AllDirectories);
        Assert.Equal(2, credentials.Length);
        Assert.All(credentials, c =>
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite,
                OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(c)
            )
        );

        run.CtrlC();

        Assert.Equal(0, await run.ExitCodeAsync(Minute));
        Assert.Contains("relay: stopped", run.Output);
        Assert.DoesNotContain(run.Lines, l => l.Contains("] fail:", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Lines, l =>
            l.Contains("   at ", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal)
        );
        Assert.False(File.Exists(Path.Combine(run.State, "mysql", "mysql.sock")), "MariaDB is stopped too");
    }

    [Fact]
    public async Task APortInUseStopsItWithANonZeroExitNamingThePort()
    {
        var offset = RunScript.FreeOffset();
        using var taken = new TcpListener(IPAddress.Loopback, 8080 + offset);
        taken.Start();
        await using var run = RunScript.Start(offset);

        Assert.Equal(1, await run.ExitCodeAsync(Minute));
        Assert.Contains($"relay: port {8080 + offset} is in use", run.Output);
    }

    [Fact]
    public async Task ADaemonThatFailsToStartStopsItWithANonZeroExitNamingTheDaemon()
    {
        await using var run = RunScript.Start(environment: new() { ["Client__MaxConnections"] = "0" });

        Assert.Equal(1, await run.ExitCodeAsync(Minute));
        Assert.Matches("relay: client[12] refused a setting", run.Output);
        Assert.Contains("relay: stopped after a failure (exit code 1)", run.Output);
    }

    /// <summary>scripts/run.sh in a session of its own, as a terminal would run it, on the Debug build.</summary>
    private sealed class RunScript : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private RunScript(Process process, int offset, string state)
        {
            _process = process;
            ApiPort = 8080 + offset;
            State = state;
        }

        public int ApiPort { get; }

        public string State { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string[] Lines => Output.Split('\n');

        /// <summary>An offset that puts the five daemon ports, all below 32768, where nothing listens.</summary>
        public static int FreeOffset()
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var offset = Random.Shared.Next(1, 90) * 100 + 10_000;
                int[] ports = [8080 + offset, 8001 + offset, 8002 + offset, 5001 + offset, 5002 + offset];
                if (ports.All(Free))
                {
                    return offset;
                }
            }

            throw new InvalidOperationException("no free ports for make run");
        }

        public static RunScript Start(int? offset = null, Dictionary<string, string>? environment = null)
        {
            var chosen = offset ?? FreeOffset();
            var state = Path.Combine(Path.GetTempPath(), $"relay-make-run-{Guid.NewGuid():N}");
            var info = new ProcessStartInfo("setsid", ["bash", Path.Combine(Repo.Root, "scripts", "run.sh")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Repo.Root,
            };
            info.Environment["RELAY_BUILD"] = "0";
            info.Environment["RELAY_CONFIGURATION"] = Repo.Configuration;
            info.Environment["RELAY_PORT_OFFSET"] = chosen.ToString();
            info.Environment["RELAY_MYSQL_PORT"] = (chosen + 13_306).ToString();
            info.Environment["RELAY_STATE_DIR"] = state;
            info.Environment["RELAY_PARENT_PID"] = Environment.ProcessId.ToString();
            foreach (var (key, value) in environment ?? [])
            {
                info.Environment[key] = value;
            }

            var process = new Process { StartInfo = info };
            var run = new RunScript(process, chosen, state);
            process.OutputDataReceived += (_, e) => run.Append(e.Data);
            process.ErrorDataReceived += (_, e) => run.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return run;
        }

        public Task WaitForAsync(string line, TimeSpan within) =>
            Eventually.ReturnsAsync(
                () => Task.FromResult(Output),
                o => o.Contains(line, StringComparison.Ordinal) || _process.HasExited,
                within,
                because: $"make run prints '{line}'"
            );

        /// <summary>What a terminal's Ctrl-C does: SIGINT to every process of the foreground group.</summary>
        public void CtrlC() => Process.Start("kill", ["-INT", "--", $"-{_process.Id}"])!.WaitForExit();

        public async Task<int> ExitCodeAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Process.Start("kill", ["-TERM", "--", $"-{_process.Id}"])!.WaitForExit();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
            if (Directory.Exists(State))
            {
                Directory.Delete(State, recursive: true);
            }
        }

        private static bool Free(int port)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
