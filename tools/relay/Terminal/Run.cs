using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Cli.Api;

namespace Relay.Cli.Terminal;

/// <summary>
/// One invocation of a command: the API it talks to, where its output goes, and its deadline
/// (<c>--timeout</c>, counted from the start). Results go to standard output; progress, notes and
/// errors to standard error, so <c>--json</c> output can be piped as it is.
/// </summary>
internal sealed class Run(ParseResult parse, CancellationToken deadline, CancellationToken interrupt) : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly long _started = TimeProvider.System.GetTimestamp();
    private RelayApi? _api;

    public ParseResult Parse { get; } = parse;

    public bool Json { get; } = parse.GetValue(GlobalOptions.Json);

    /// <summary>Cancelled when <c>--timeout</c> passes or the user interrupts (Ctrl-C).</summary>
    public CancellationToken Deadline { get; } = deadline;

    /// <summary>True once the user interrupted (Ctrl-C): the deadline was cancelled by them, not by the
    /// clock.</summary>
    public bool Interrupted => interrupt.IsCancellationRequested;

    /// <summary>What is left of <c>--timeout</c>, in whole seconds, at most <paramref name="cap"/>: what to pass as
    /// the server's <c>?wait=</c>.</summary>
    public int SecondsLeft(int cap = 60)
    {
        var left = Parse.GetValue(GlobalOptions.Timeout) - TimeProvider.System.GetElapsedTime(_started);
        return (int)Math.Clamp(Math.Floor(left.TotalSeconds), 0, cap);
    }

    public TextWriter Out { get; } = Console.Out;

    public TextWriter Error { get; } = Console.Error;

    public RelayApi Api => _api ??= new RelayApi(ServerUrl(), ApiKey.Find(Parse.GetValue(GlobalOptions.ApiKeyFile)));

    /// <summary>Prints the answer: as JSON under <c>--json</c>, else the human line.</summary>
    public void Print(JsonNode? json, string human)
    {
        Out.WriteLine(Json ? json?.ToJsonString(Indented) ?? "null" : human);
    }

    /// <summary>A note for the person at the terminal, never mixed into the results.</summary>
    public void Note(string line) => Error.WriteLine(line);

    private Uri ServerUrl()
    {
        var text = Parse.GetValue(GlobalOptions.Server) ?? Environment.GetEnvironmentVariable("RELAY_URL");
        text = string.IsNullOrWhiteSpace(text) ? GlobalOptions.DefaultServer : text.Trim();
        if (
            !Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https")
            || url.Query.Length > 0
        )
        {
            throw new CommandFailure(
                ExitCodes.Usage,
                $"--server (or RELAY_URL) '{text}' is not the server's base URL, e.g. http://127.0.0.1:8080"
            );
        }

        return url;
    }

    public void Dispose() => _api?.Dispose();
}
