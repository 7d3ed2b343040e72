namespace Relay.Cli;

/// <summary>What the command's exit code tells a CI step; docs/cli.md lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Done: every client acknowledged, or the request succeeded.</summary>
    public const int Done = 0;

    /// <summary>The work ran and did not succeed: a client refused a message for good, a client drifted, a
    /// conflict.</summary>
    public const int Failed = 1;

    /// <summary>What was asked cannot be run as asked: bad arguments, no key or a refused one, an unknown id, a request
    /// the server finds invalid.</summary>
    public const int Usage = 2;

    /// <summary><c>--timeout</c> passed with the work still pending: it goes on, and can be followed again.</summary>
    public const int TimedOut = 3;

    /// <summary>The server could not be reached, or stayed unavailable (503, 429) through the retries.</summary>
    public const int Unreachable = 4;

    /// <summary>Interrupted (Ctrl-C, SIGINT) before the work was seen through: what was queued goes on. 128 + 2, as a
    /// shell reports a command the signal ended.</summary>
    public const int Interrupted = 130;
}
