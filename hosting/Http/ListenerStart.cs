using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;

namespace Relay.Hosting.Http;

/// <summary>
/// Runs a daemon whose settings passed (<see cref="ValidatedStart"/>): an address it cannot listen on (a port another
/// process holds) stops it with a line naming the address and exit code 1, not an unhandled exception's abort.
/// </summary>
public static class ListenerStart
{
    /// <summary>The exit code for a daemon that could not listen where it was told to.</summary>
    public const int CannotListenExitCode = 1;

    /// <summary>Runs the app until it is stopped: 0, or <see cref="CannotListenExitCode"/> when a listener could not
    /// bind.</summary>
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app)
    {
        // Read before running: the app's services are disposed once it has stopped.
        var name = app.Environment.ApplicationName;
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            // "Failed to bind to address http://127.0.0.1:8001: address already in use."
            Console.Error.WriteLine($"{name}: cannot start: {e.Message} Stop what holds the port, or set another.");
            return CannotListenExitCode;
        }
    }
}
