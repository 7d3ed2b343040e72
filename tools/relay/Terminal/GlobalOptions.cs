using System.CommandLine;

namespace Relay.Cli.Terminal;

/// <summary>The options every command takes (before or after its name).</summary>
internal static class GlobalOptions
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"The server's base URL [default: $RELAY_URL, else {DefaultServer}]",
        Recursive = true,
    };

    public static readonly Option<string?> ApiKeyFile = new("--api-key-file")
    {
        Description = "A file holding the API key [default: $RELAY_API_KEY_FILE, else the key in $RELAY_API_KEY]",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the server's answer as JSON on standard output, for scripts",
        Recursive = true,
    };

    public static readonly Option<TimeSpan> Timeout = new("--timeout")
    {
        Description = "Give up after this long (90s, 5m, 1h), with exit code 3 while the work is still pending",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
        CustomParser = Durations.Parse,
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Server);
        root.Options.Add(ApiKeyFile);
        root.Options.Add(Json);
        root.Options.Add(Timeout);
    }
}
