using System.Diagnostics;
using System.Globalization;
using Relay.Testing;

namespace Relay.Tests.Unit;

/// <summary>
/// A test process killed or cut short at exit left its database folders in the temp path (800 MB per Galera cluster,
/// 75 GB after a day of runs, then "No space left on device"): the next one made removes them.
/// </summary>
public sealed class TempFoldersTests
{
    private const string Prefix = "relay-orphans-test-";

    [Fact]
    public async Task A_folder_whose_owner_has_exited_is_removed_and_what_runs_in_it_stopped()
    {
        var orphan = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), Prefix + "dead")).FullName;
        await File.WriteAllTextAsync(
            Path.Combine(orphan, "owner.pid"),
            (await ExitedPidAsync()).ToString(CultureInfo.InvariantCulture)
        );
        using var leftover = Process.Start(
            new ProcessStartInfo("tail", ["-f", Path.Combine(orphan, "owner.pid")]) { RedirectStandardOutput = true }
        )!;

        TempFolders.RemoveOrphans(Prefix);

        Assert.False(Directory.Exists(orphan));
        Assert.True(leftover.WaitForExit(5_000), "the process left running in the orphaned folder was not stopped");
    }

    [Fact]
    public void A_folder_whose_owner_runs_is_kept()
    {
        var mine = TempFolders.Create(Prefix);
        try
        {
            TempFolders.RemoveOrphans(Prefix);

            Assert.True(Directory.Exists(mine));
            Assert.Equal(
                Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                File.ReadAllText(Path.Combine(mine, "owner.pid"))
            );
        }
        finally
        {
            Directory.Delete(mine, recursive: true);
        }
    }

    private static async Task<int> ExitedPidAsync()
    {
        using var process = Process.Start("true")!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
