namespace Relay.Hosting.Http;

/// <summary>
/// <c>dotnet Relay.X.dll --probe URL</c>: exits 0 when a GET on the URL succeeds, 1 otherwise. The
/// ASP.NET runtime image has no curl, so container health checks ask the binary itself.
/// </summary>
public static class HealthProbe
{
    /// <summary>The argument that turns a start into a probe.</summary>
    public const string Argument = "--probe";

    /// <summary>True when <paramref name="args"/> asks for a probe rather than a daemon.</summary>
    public static bool IsProbe(string[] args) => args is [Argument, _];

    /// <summary>Runs the probe; the exit code for the process.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(args[1]));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e)
            when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"probe: {args[1]}: {e.Message}");
            return 1;
        }
    }
}
