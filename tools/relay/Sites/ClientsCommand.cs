using System.CommandLine;
using Relay.Cli.Terminal;

namespace Relay.Cli.Sites;

/// <summary><c>relay clients</c>: the registered clients and how far behind each is.</summary>
internal static class ClientsCommand
{
    public static Command Create()
    {
        var state = new Option<string?>("--state")
        {
            Description = "Only clients in this state: unreachable, failed, behind, upToDate",
        };
        state.AcceptOnlyFromAmong("unreachable", "failed", "behind", "upToDate");
        var command = new Command("clients", "The registered clients: state, messages waiting and failed, last contact")
        {
            state,
        };
        command.Runs(async run =>
        {
            var filter = run.Parse.GetValue(state) is { } s ? $"&state={s}" : "";
            var page = (await run.Api.GetAsync($"clients?limit=1000{filter}", run.Deadline)).Body;
            var lines = page["items"]!
                .AsArray()
                .Select(c =>
                    $"{c!["id"], 8}  {c["name"], -24} {c["host"]}:{c["port"], -6} {c["state"], -12} "
                    + $"pending {c["pendingMessages"]}, failed {c["failedMessages"]}, "
                    + $"last contact {c["lastContactAt"]?.ToString() ?? "never"}"
                );
            run.Print(page, string.Join(Environment.NewLine, lines));
            return ExitCodes.Done;
        });
        return command;
    }
}
