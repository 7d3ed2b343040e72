using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Relay.Testing;

/// <summary>A real server or client process, started from the built dll with settings as environment
/// variables.</summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private DaemonProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _output.Enqueue(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                _output.Enqueue(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time used so far, user and system.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident memory now, from /proc, in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status")
            .First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    public int ExitCode => _process.ExitCode;

    public int ProcessId => _process.Id;

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the daemon; inside the network namespace <paramref name="netns"/> when one is given (ip netns
    /// exec execs it, same pid).</summary>
    public static DaemonProcess Start(
        string name,
        string dll,
        IReadOnlyDictionary<string, string> settings,
        string? netns = null
    )
    {
        // A .dll runs on the dotnet host; anything else is a native build, run as it is.
        string[] command = dll.EndsWith(".dll", StringComparison.Ordinal) ? ["dotnet", dll] : [dll];
        if (netns is not null)
        {
            command = ["ip", "netns", "exec", netns, .. command];
        }

        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var arg in command[1..])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new DaemonProcess(
            name,
            Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.")
        );
    }

    /// <summary>Waits until an HTTP GET on <paramref name="url"/> succeeds, failing early if the process
    /// dies.</summary>
    public async Task WaitUntilAnswersAsync(string url, TimeSpan? within = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not answer {url} in time:\n{Output}");
    }

    /// <summary>SIGTERM, as a container runtime or systemd would send, then wait for a clean exit.</summary>
    public async Task<int> StopAsync(TimeSpan? within = null)
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, 15);
        }

        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>kill -STOP: the process freezes, its sockets stay open and the kernel still answers for them.</summary>
    public void Freeze() => _ = SendSignal(_process.Id, 19);

    /// <summary>kill -CONT: a frozen process goes on.</summary>
    public void Thaw() => _ = SendSignal(_process.Id, 18);

    /// <summary>kill -9: no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
