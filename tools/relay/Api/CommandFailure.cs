namespace Relay.Cli.Api;

/// <summary>Ends a command with <paramref name="exitCode"/> and one line saying why, on standard error.</summary>
internal sealed class CommandFailure(int exitCode, string message, string? body = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The server's answer, when there was one: what <c>--json</c> prints.</summary>
    public string? Body { get; } = body;
}
