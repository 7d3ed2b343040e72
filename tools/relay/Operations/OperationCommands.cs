using System.CommandLine;
using Relay.Cli.Api;
using Relay.Cli.Terminal;

namespace Relay.Cli.Operations;

/// <summary>
/// <c>relay send</c>, <c>relay delete</c> and <c>relay sync</c>: the operations that queue messages
/// for clients (<c>PUT</c>/<c>DELETE /clients/{id|all}/personnel[/{id}]</c>), each followed with
/// <c>--wait</c>.
/// </summary>
internal static class OperationCommands
{
    public static readonly Option<bool> Wait = new("--wait", "-w")
    {
        Description =
            "Follow the work until every client acknowledged it, showing progress; exit 0 done, 1 failed, 3 --timeout",
    };

    public static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description =
            "Only say what it would do (clients, messages, rows, bytes; rows that would go): nothing is queued",
    };

    public static IEnumerable<Command> Create() => [Send(), Delete(), Sync()];

    private static Command Send()
    {
        var personnel = new Argument<string>("personnel")
        {
            Description = "The personnel's id, or 'all'",
            CustomParser = Target.Parse,
        };
        var to = new Option<string>("--to")
        {
            Description = "The client's id, or 'all'",
            Required = true,
            CustomParser = Target.Parse,
        };
        var replace = new Option<bool>("--replace")
        {
            Description = "With 'all': each client ends up holding exactly the server's personnel (reinitialise)",
        };
        var command = new Command("send", "Send one or all personnel to one or all clients")
        {
            personnel,
            to,
            replace,
            Wait,
            DryRun,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(replace) && result.GetValue(personnel) != Target.All)
            {
                result.AddError("--replace goes with 'all' personnel: a client cannot be reset to one person.");
            }
        });
        command.Runs(run =>
        {
            var (who, where) = (run.Parse.GetValue(personnel)!, run.Parse.GetValue(to)!);
            var query = run.Parse.GetValue(replace) ? "?replace=true" : "";
            return QueueAsync(run, HttpMethod.Put, PathOf(where, who) + query);
        });
        return command;
    }

    private static Command Delete()
    {
        var personnel = new Argument<string>("personnel")
        {
            Description = "The personnel's id (also one the server no longer has), or 'all'",
            CustomParser = Target.Parse,
        };
        var from = new Option<string>("--from")
        {
            Description = "The client's id, or 'all'",
            Required = true,
            CustomParser = Target.Parse,
        };
        var yes = new Option<bool>("--yes")
        {
            Description = "Needed to delete all personnel from all clients: every site's list is emptied",
        };
        var command = new Command("delete", "Delete one or all personnel from one or all clients")
        {
            personnel,
            from,
            yes,
            Wait,
            DryRun,
        };
        command.Validators.Add(result =>
        {
            if (
                result.GetValue(personnel) == Target.All
                && result.GetValue(from) == Target.All
                && !result.GetValue(yes)
                && !result.GetValue(DryRun)
            )
            {
                result.AddError("Deleting all personnel from all clients empties every site: add --yes to mean it.");
            }
        });
        command.Runs(run =>
            QueueAsync(run, HttpMethod.Delete, PathOf(run.Parse.GetValue(from)!, run.Parse.GetValue(personnel)!))
        );
        return command;
    }

    private static Command Sync()
    {
        var client = new Argument<string>("client")
        {
            Description = "The client's id, or 'all'",
            CustomParser = Target.Parse,
        };
        var command = new Command(
            "sync",
            "Repair a client by difference: compare digests, then send only the rows that differ"
        )
        {
            client,
            Wait,
            DryRun,
        };
        command.Runs(run =>
            QueueAsync(run, HttpMethod.Put, PathOf(run.Parse.GetValue(client)!, Target.All) + "?sync=true")
        );
        return command;
    }

    private static string Describe(System.Text.Json.Nodes.JsonNode p)
    {
        var lines = new List<string>
        {
            $"dry run, nothing queued: {p["kind"]} would queue {p["messages"]} message(s) for {p["clients"]} client(s)"
                + (p["rows"] is { } rows ? $", {rows} row(s)" : "")
                + (p["bytes"] is { } bytes ? $", about {bytes} bytes" : ""),
        };
        if (p["removes"] is { } removes)
        {
            lines.Add($"it would remove {removes["total"]} row(s) held by {removes["clients"]} client(s); most:");
            lines.AddRange(
                removes["largest"]!
                    .AsArray()
                    .Take(10)
                    .Select(c => $"  client {c!["clientId"]} {c["name"]}: {c["rows"]}")
            );
        }

        if (p["note"]?.ToString() is { } note)
        {
            lines.Add(note);
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string PathOf(string client, string personnel) =>
        personnel == Target.All ? $"clients/{client}/personnel" : $"clients/{client}/personnel/{personnel}";

    private static async Task<int> QueueAsync(Run run, HttpMethod method, string path)
    {
        if (run.Parse.GetValue(DryRun))
        {
            var preview = (
                await run.Api.SendAsync(method, path + (path.Contains('?') ? '&' : '?') + "dryRun=true", run.Deadline)
            ).Body;
            run.Print(preview, Describe(preview));
            return ExitCodes.Done;
        }

        // A retried request queues at most a second copy of the same change, which clients apply as a no-op.
        var answer = await run.Api.SendAsync(method, path, run.Deadline);
        return await OperationFollower.EndAsync(run, answer.Body, run.Parse.GetValue(Wait));
    }
}
