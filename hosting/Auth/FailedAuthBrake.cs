using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Relay.Hosting.Auth;

/// <summary>
/// Counts failed authentications per remote address (an IPv6 address by its /64, which one holder
/// usually has whole) in a window that starts at the address's first failure. Once an address has
/// used up its failures, its failed attempts are answered "braked" with the time left until the
/// window ends, counting down. What is braked is failing: a valid key or credential is never
/// refused because others failed from the same address (behind a NAT or a proxy they may share it),
/// so the brake keeps a script stuck on a wrong key or a flood out of the logs and the audit, and
/// the key's length is what makes guessing futile. Each daemon instance keeps its own counts: N
/// instances behind one address allow N times the failures before braking.
/// </summary>
/// <remarks>
/// Hand-written rather than the framework's fixed-window rate limiter: that one reports its whole
/// window as the time to wait, whenever it is asked.
/// </remarks>
public sealed class FailedAuthBrake(int failuresAllowed, TimeSpan window, TimeProvider? time = null) : IDisposable
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Failures> _failures = new();
    private int _recorded;

    /// <summary>True when <paramref name="address"/> has failed too often in its window; <paramref name="retryAfter"/>
    /// says for how long still.</summary>
    public bool IsBraked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(Partition(address), out var failures))
        {
            return false;
        }

        lock (failures)
        {
            var left = window - _time.GetElapsedTime(failures.Since);
            if (left <= TimeSpan.Zero || failures.Count < failuresAllowed)
            {
                return false;
            }

            retryAfter = left;
            return true;
        }
    }

    /// <summary>Counts one failed attempt from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        var now = _time.GetTimestamp();
        var failures = _failures.GetOrAdd(Partition(address), _ => new Failures(now));
        lock (failures)
        {
            if (_time.GetElapsedTime(failures.Since) >= window)
            {
                (failures.Since, failures.Count) = (now, 0);
            }

            failures.Count++;
        }

        // Quiet addresses are forgotten now and then, so a scan from many addresses cannot grow this without end.
        if (Interlocked.Increment(ref _recorded) % 1024 == 0)
        {
            foreach (var (key, value) in _failures)
            {
                if (_time.GetElapsedTime(value.Since) >= window)
                {
                    _failures.TryRemove(new KeyValuePair<string, Failures>(key, value));
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _failures.Clear();

    private static string Partition(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        return Convert.ToHexString(bytes, 0, 8) + "/64";
    }

    private sealed class Failures(long since)
    {
        public long Since = since;
        public int Count;
    }
}
