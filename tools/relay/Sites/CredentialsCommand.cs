using System.CommandLine;
using System.Globalization;
using Relay.Cli.Operations;
using Relay.Cli.Terminal;

namespace Relay.Cli.Sites;

/// <summary>
/// <c>relay credentials rotate|revoke</c>: a client's link credential. A new credential is written
/// to <c>--output</c> (created 0600) or, without it, printed alone on standard output so it can be
/// redirected; it is shown nowhere else and the server does not keep it.
/// </summary>
internal static class CredentialsCommand
{
    public static Command Create()
    {
        var command = new Command("credentials", "Rotate or revoke a client's link credential");
        command.Subcommands.Add(Rotate());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Rotate()
    {
        var client = OperationsCommand.IdArgument("client", "The client's id");
        var overlap = new Option<int>("--overlap")
        {
            Description = "Seconds the previous credential keeps working, so the daemon can be given the new one",
        };
        var output = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write the new credential to this file (created readable by you alone)",
        };
        var command = new Command("rotate", "Issue a client a new link credential") { client, overlap, output };
        command.Runs(async run =>
        {
            var seconds = run.Parse.GetValue(overlap).ToString(CultureInfo.InvariantCulture);
            var issued = (
                await run.Api.SendAsync(
                    HttpMethod.Post,
                    $"clients/{run.Parse.GetValue(client)}/credentials?overlap={seconds}",
                    run.Deadline,
                    retry: false
                )
            ).Body;
            var credential = issued["credential"]!.GetValue<string>();
            var previous = issued["previousGenerationValidUntil"]?.ToString() is { } until
                ? $"the previous one works until {until}"
                : "the previous one no longer works";
            if (run.Parse.GetValue(output) is { } file)
            {
                await SecretFile.WriteAsync(file.FullName, credential + "\n", run.Deadline);
                issued["credential"] = $"(written to {file.FullName})";
                run.Print(
                    issued,
                    $"client {issued["clientId"]}: credential generation {issued["generation"]} written to "
                        + $"{file.FullName}; {previous}"
                );
                return ExitCodes.Done;
            }

            run.Print(issued, credential);
            run.Note(
                $"relay: client {issued["clientId"]}'s credential generation {issued["generation"]} (shown once); {previous}"
            );
            return ExitCodes.Done;
        });
        return command;
    }

    private static Command Revoke()
    {
        var client = OperationsCommand.IdArgument("client", "The client's id");
        var command = new Command("revoke", "Revoke a client's link credentials: it cannot connect until rotated")
        {
            client,
        };
        command.Runs(async run =>
        {
            var answer = await run.Api.SendAsync(
                HttpMethod.Delete,
                $"clients/{run.Parse.GetValue(client)}/credentials",
                run.Deadline
            );
            run.Print(answer.Json, $"client {run.Parse.GetValue(client)}: link credentials revoked");
            return ExitCodes.Done;
        });
        return command;
    }
}
