using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Relay.Hosting.Auth;

/// <summary>
/// Counts failed authentications per remote address (an IPv6 address by its /64, which one
/// holder usually has whole) in a fixed window. Once an address has used up its failures, every
/// attempt from it is refused until the window ends, right key or not, so guessing costs the
/// guesser time and tells them nothing. Built on the framework's partitioned rate limiter, which
/// also forgets quiet addresses.
/// </summary>
public sealed class FailedAuthBrake(int failuresAllowed, TimeSpan window) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = failuresAllowed,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        })
    );

    /// <summary>True when <paramref name="address"/> has failed too often in this window; <paramref name="retryAfter"/>
    /// says for how long still.</summary>
    public bool IsBraked(IPAddress? address, out TimeSpan retryAfter)
    {
        // Asking for no permit only looks: it succeeds while any failure is left in the window.
        using var lease = _failures.AttemptAcquire(Partition(address), 0);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return false;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window;
        return true;
    }

    /// <summary>Counts one failed attempt from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address) => _failures.AttemptAcquire(Partition(address)).Dispose();

    /// <inheritdoc />
    public void Dispose() => _failures.Dispose();

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
}
