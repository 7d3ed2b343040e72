using System.Globalization;

namespace Relay.Testing;

/// <summary>
/// The folders private database servers keep their data in, under the temp path. Each names the test process that
/// made it; a test process that is killed, or cut short at exit, never removes its own, and a Galera cluster's is
/// 800 MB. So making a folder first removes those whose owner is gone, and stops what still runs in them.
/// </summary>
public static class TempFolders
{
    private const string OwnerFile = "owner.pid";

    /// <summary>A new folder named <paramref name="prefix"/> and a random suffix, owned by this process.</summary>
    public static string Create(string prefix)
    {
        RemoveOrphans(prefix);
        var directory = Path.Combine(Path.GetTempPath(), $"{prefix}{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(directory);
        File.WriteAllText(
            Path.Combine(directory, OwnerFile),
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
        );
        return directory;
    }

    /// <summary>Removes every folder named <paramref name="prefix"/>… whose owner process has exited.</summary>
    public static void RemoveOrphans(string prefix)
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            // No owner file: made by an older version of this code, or its owner is writing it right now.
            if (!TryReadOwner(directory, out var owner) || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            StopProcessesIn(directory);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another test process removing the same orphan, or a file still held: the next start retries.
            }
        }
    }

    private static bool TryReadOwner(string directory, out int owner)
    {
        owner = 0;
        try
        {
            return int.TryParse(
                File.ReadAllText(Path.Combine(directory, OwnerFile)),
                CultureInfo.InvariantCulture,
                out owner
            );
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Kills each process whose command line names <paramref name="directory"/>: orphan mariadbd.</summary>
    private static void StopProcessesIn(string directory)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(directory + "/", StringComparison.Ordinal))
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill();
                    process.WaitForExit(5_000);
                }
            }
            catch (Exception e)
                when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }
}
