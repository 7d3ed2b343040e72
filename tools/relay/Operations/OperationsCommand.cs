using System.CommandLine;
using Relay.Cli.Terminal;

namespace Relay.Cli.Operations;

/// <summary><c>relay operations</c>: the recent operations, one operation, and following one to its end.</summary>
internal static class OperationsCommand
{
    public static Command Create()
    {
        var command = new Command("operations", "List, show or follow operations");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(WaitFor());
        return command;
    }

    private static Command List()
    {
        var limit = new Option<int>("--limit")
        {
            Description = "How many, newest first (1-100)",
            DefaultValueFactory = _ => 20,
        };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100)
            {
                r.AddError("--limit is 1 to 100.");
            }
        });
        var command = new Command("list", "The recent operations, newest first, with their progress") { limit };
        command.Runs(async run =>
        {
            var page = (await run.Api.GetAsync($"operations?limit={run.Parse.GetValue(limit)}", run.Deadline)).Body;
            var lines = page["items"]!
                .AsArray()
                .Select(item => OperationSnapshot.Of(item!))
                .Select(o => $"{o.Id, 8}  {o.Kind, -15} {o.State, -9}  {o.Counts}");
            run.Print(page, string.Join(Environment.NewLine, lines));
            return ExitCodes.Done;
        });
        return command;
    }

    private static Command Show()
    {
        var id = IdArgument();
        var command = new Command("show", "One operation: its progress and the clients not done") { id };
        command.Runs(async run =>
        {
            var operation = (await run.Api.GetAsync($"operations/{run.Parse.GetValue(id)}", run.Deadline)).Body;
            var snapshot = OperationSnapshot.Of(operation);
            var unfinished = operation["unfinishedClients"]?["items"]?.AsArray() ?? [];
            var lines = unfinished.Select(c =>
                $"  client {c!["clientId"]} {c["name"]}: {c["state"]}, {c["lastError"]?.ToString() ?? "no error yet"}"
            );
            run.Print(
                operation,
                string.Join(
                    Environment.NewLine,
                    [$"operation {snapshot.Id} ({snapshot.Kind}) {snapshot.State}: {snapshot.Counts}", .. lines]
                )
            );
            return ExitCodes.Done;
        });
        return command;
    }

    private static Command WaitFor()
    {
        var id = IdArgument();
        var command = new Command(
            "wait",
            "Follow an operation until every client acknowledged it; exit 0 done, 1 failed, 3 --timeout"
        )
        {
            id,
        };
        command.Runs(run => OperationFollower.FollowAsync(run, run.Parse.GetValue(id)));
        return command;
    }

    internal static Argument<long> IdArgument(string name = "id", string what = "The operation's id")
    {
        var id = new Argument<long>(name) { Description = what };
        id.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
            {
                r.AddError($"{name} is a whole number above zero.");
            }
        });
        return id;
    }
}
