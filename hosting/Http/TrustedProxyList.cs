using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Relay.Hosting.Http;

/// <summary>
/// Believes <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from the proxies named, and from no
/// one else: the caller's address (what the brake counts and the audit log records) is then the
/// one the proxy saw. With none named nothing is believed, so a caller cannot choose its own
/// address by sending the header.
/// </summary>
public static class TrustedProxyList
{
    /// <summary>An IP address (a network of one) or a CIDR network.</summary>
    public static bool TryParse(string text, out System.Net.IPNetwork network)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            network = new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }

        return System.Net.IPNetwork.TryParse(text, out network);
    }

    /// <summary>First in the pipeline, so everything after sees the forwarded address.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, IReadOnlyList<string> proxies)
    {
        if (proxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            if (TryParse(proxy, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
        }

        return app.UseForwardedHeaders(options);
    }
}
