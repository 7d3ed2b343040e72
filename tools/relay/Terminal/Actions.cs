using System.CommandLine;
using Relay.Cli.Api;

namespace Relay.Cli.Terminal;

/// <summary>Runs a command's work under its deadline and turns every way it can end into an exit code and one
/// line on standard error.</summary>
internal static class Actions
{
    public static void Runs(this Command command, Func<Run, Task<int>> work) =>
        command.SetAction(
            async (parse, ct) =>
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(parse.GetValue(GlobalOptions.Timeout));
                using var run = new Run(parse, deadline.Token, ct);
                try
                {
                    var code = await work(run);
                    return run.Interrupted && code == ExitCodes.TimedOut ? Interrupted(run) : code;
                }
                catch (CommandFailure failure)
                {
                    if (run.Json && failure.Body is { Length: > 0 } body)
                    {
                        run.Out.WriteLine(body);
                    }

                    run.Error.WriteLine($"relay: {failure.Message}");
                    return failure.ExitCode;
                }
                catch (OperationCanceledException)
                    when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    run.Error.WriteLine(
                        $"relay: timed out after {parse.GetValue(GlobalOptions.Timeout)} (--timeout); nothing was undone"
                    );
                    return ExitCodes.TimedOut;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return Interrupted(run);
                }
            }
        );

    private static int Interrupted(Run run)
    {
        run.Error.WriteLine("relay: interrupted; nothing was undone (what was queued goes on)");
        return ExitCodes.Interrupted;
    }
}
