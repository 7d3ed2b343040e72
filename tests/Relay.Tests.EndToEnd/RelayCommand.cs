using System.Diagnostics;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The built <c>relay</c> command run as a process, as a CI step runs it: no terminal, no stdin, the key in
/// the environment.</summary>
public sealed class RelayCommand(string serverUrl, string? apiKey = RelayStack.ApiKey)
{
    public sealed record Result(int Exit, string Out, string Error)
    {
        public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    public async Task<Result> RunAsync(params string[] args) => await RunAsync(args, new Dictionary<string, string>());

    /// <summary>Runs the command and interrupts it (SIGINT, as Ctrl-C) once its standard error shows
    /// <paramref name="interruptOn"/>, when given.</summary>
    public async Task<Result> RunAsync(
        string[] args,
        IReadOnlyDictionary<string, string> environment,
        string? interruptOn = null
    )
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Repo.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["RELAY_URL"] = serverUrl;
        start.Environment.Remove("RELAY_API_KEY");
        start.Environment.Remove("RELAY_API_KEY_FILE");
        if (apiKey is not null)
        {
            start.Environment["RELAY_API_KEY"] = apiKey;
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var interrupted = false;
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
                if (interruptOn is not null && !interrupted && stderr.ToString().Contains(interruptOn))
                {
                    interrupted = true;
                    using var signal = Process.Start("kill", ["-INT", process.Id.ToString()]);
                }
            }
        };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        lock (stderr)
        {
            return new Result(process.ExitCode, stdout.Result, stderr.ToString());
        }
    }
}
