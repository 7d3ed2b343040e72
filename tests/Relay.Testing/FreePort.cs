using System.Net;
using System.Net.Sockets;

namespace Relay.Testing;

public static class FreePort
{
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback port nothing listens on now, never the same twice in one test run.</summary>
    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
