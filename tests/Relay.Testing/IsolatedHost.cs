using System.Diagnostics;

namespace Relay.Testing;

/// <summary>
/// A host of its own for one daemon: a network namespace joined to this one by a veth pair, so the
/// kernel can cut it off for real. <see cref="CutAsync"/> drops every packet of one TCP port inside
/// the namespace with iptables, established connections included, as a failed link would;
/// <see cref="HealAsync"/> lets them through again. Needs root (CI runs as root).
/// </summary>
public sealed class IsolatedHost : IAsyncDisposable
{
    private static int _hosts;
    private readonly string _rootSide;

    private IsolatedHost(string name, string rootSide, string address)
    {
        Namespace = name;
        _rootSide = rootSide;
        Address = address;
    }

    /// <summary>The namespace's name, for <c>ip netns exec</c>.</summary>
    public string Namespace { get; }

    /// <summary>The address the daemon in the namespace binds, and this side reaches it at.</summary>
    public string Address { get; }

    public static async Task<IsolatedHost> CreateAsync()
    {
        // Names and subnets from this process's id and a counter, so test runs side by side do not meet.
        var n = Interlocked.Increment(ref _hosts);
        var pid = Environment.ProcessId % 100_000;
        var (name, root, inside) = ($"relay-{pid}-{n}", $"rr{pid}x{n}", $"ri{pid}x{n}");
        var subnet = $"10.{200 + pid % 50}.{n % 250}";
        await RunAsync("ip", "netns", "add", name);
        var host = new IsolatedHost(name, root, $"{subnet}.2");
        await RunAsync("ip", "link", "add", root, "type", "veth", "peer", "name", inside);
        await RunAsync("ip", "link", "set", inside, "netns", name);
        await RunAsync("ip", "addr", "add", $"{subnet}.1/30", "dev", root);
        await RunAsync("ip", "link", "set", root, "up");
        await RunAsync("ip", "netns", "exec", name, "ip", "addr", "add", $"{subnet}.2/30", "dev", inside);
        await RunAsync("ip", "netns", "exec", name, "ip", "link", "set", inside, "up");
        await RunAsync("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        return host;
    }

    public bool IsCut { get; private set; }

    /// <summary>Black-holes <paramref name="port"/>: nothing in, nothing out, open connections included.</summary>
    public async Task CutAsync(int port)
    {
        await RunAsync(
            "ip",
            "netns",
            "exec",
            Namespace,
            "iptables",
            "-I",
            "INPUT",
            "-p",
            "tcp",
            "--dport",
            port.ToString(),
            "-j",
            "DROP"
        );
        await RunAsync(
            "ip",
            "netns",
            "exec",
            Namespace,
            "iptables",
            "-I",
            "OUTPUT",
            "-p",
            "tcp",
            "--sport",
            port.ToString(),
            "-j",
            "DROP"
        );
        IsCut = true;
    }

    public async Task HealAsync()
    {
        await RunAsync("ip", "netns", "exec", Namespace, "iptables", "-F", "INPUT");
        await RunAsync("ip", "netns", "exec", Namespace, "iptables", "-F", "OUTPUT");
        IsCut = false;
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("ip", ["link", "del", _rootSide], allowFailure: true);
        await RunAsync("ip", ["netns", "del", Namespace], allowFailure: true);
    }

    private static async Task RunAsync(string file, params string[] args) =>
        await RunAsync(file, args, allowFailure: false);

    private static async Task RunAsync(string file, string[] args, bool allowFailure)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not run {file}.");
        var error = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException(
                $"`{file} {string.Join(' ', args)}` failed ({process.ExitCode}): {error.Trim()}. Network partition tests need root, iproute2 and iptables (make test installs them)."
            );
        }
    }
}
