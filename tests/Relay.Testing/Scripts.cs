using System.Diagnostics;

namespace Relay.Testing;

/// <summary>Runs the repository's shell scripts that start database servers for the tests.</summary>
internal static class Scripts
{
    /// <summary>Runs <paramref name="file"/> to its end and returns its exit code and everything it printed.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };

        // What the scripts start is stopped with this process even when its exit handlers do not run.
        info.Environment["RELAY_OWNER_PID"] = Environment.ProcessId.ToString(
            System.Globalization.CultureInfo.InvariantCulture
        );
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        // The scripts leave mariadbd running with our pipes closed, so reading to the end is safe.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
