using System.CommandLine;
using System.Text.Json.Nodes;
using Relay.Cli.Operations;
using Relay.Cli.Terminal;

namespace Relay.Cli.Messages;

/// <summary><c>relay messages</c>: the outbox, and what to do with a message a client refused for good: retry it
/// (as it was, or rebuilt from today's data) or discard it.</summary>
internal static class MessagesCommand
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var command = new Command("messages", "List messages; retry or discard a failed one");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Retry());
        command.Subcommands.Add(Discard());
        return command;
    }

    private static Command List()
    {
        var state = new Option<string>("--state")
        {
            Description = "pending or failed",
            DefaultValueFactory = _ => "pending",
        };
        state.AcceptOnlyFromAmong("pending", "failed");
        var client = new Option<long?>("--client") { Description = "Only this client's messages" };
        var command = new Command("list", "Messages still waiting (oldest first), or those refused for good")
        {
            state,
            client,
        };
        command.Runs(async run =>
        {
            var only = run.Parse.GetValue(client) is { } id ? $"&clientId={id}" : "";
            var page = (
                await run.Api.GetAsync($"messages?state={run.Parse.GetValue(state)}&limit=1000{only}", run.Deadline)
            ).Body;
            var lines = page["items"]!
                .AsArray()
                .Select(m =>
                    $"{m!["id"], 10}  client {m["clientId"]?.ToString() ?? "all", -6} {m["kind"], -12} "
                    + $"{m["itemCount"], 6} item(s)  {m["state"]}, {m["attempts"]} attempt(s)"
                    + (m["lastError"] is { } error ? $": {error}" : "")
                );
            run.Print(page, string.Join(Environment.NewLine, lines));
            return ExitCodes.Done;
        });
        return command;
    }

    private static Command Retry()
    {
        var id = OperationsCommand.IdArgument("message", "The failed message's id");
        var current = new Option<bool>("--current")
        {
            Description = "Rebuild it from its personnel's data now, instead of sending it as it was",
        };
        var command = new Command(
            "retry",
            "Queue a failed message again; with --wait, until the client acknowledges it"
        )
        {
            id,
            current,
            OperationCommands.Wait,
        };
        command.Runs(async run =>
        {
            var message = run.Parse.GetValue(id);
            var wait = run.Parse.GetValue(OperationCommands.Wait) ? run.SecondsLeft() : 0;
            var rebuilt = run.Parse.GetValue(current) ? "true" : "false";
            // Not retried: a second call would find the message pending and answer 409.
            var answer = await run.Api.SendAsync(
                HttpMethod.Post,
                $"messages/{message}/retry?current={rebuilt}&wait={wait}",
                run.Deadline,
                retry: false
            );
            if (!run.Parse.GetValue(OperationCommands.Wait))
            {
                run.Print(answer.Body, $"message {message} queued again");
                return ExitCodes.Done;
            }

            return await SettleAsync(run, message, answer.Body);
        });
        return command;
    }

    private static async Task<int> SettleAsync(Run run, long id, JsonNode status)
    {
        try
        {
            while (status["state"]!.GetValue<string>() == "pending")
            {
                await Task.Delay(Every, run.Deadline);
                status = (await run.Api.GetAsync($"messages/{id}", run.Deadline)).Body;
            }
        }
        catch (OperationCanceledException) when (run.Deadline.IsCancellationRequested)
        {
            run.Print(status, $"message {id} still pending: {status["lastError"]?.ToString() ?? "no error yet"}");
            run.Note("relay: timed out (--timeout) with the message still pending; it goes on");
            return ExitCodes.TimedOut;
        }

        if (status["state"]!.GetValue<string>() == "delivered")
        {
            run.Print(status, $"message {id} delivered");
            return ExitCodes.Done;
        }

        run.Print(status, $"message {id} refused again: {status["lastError"]}");
        return ExitCodes.Failed;
    }

    private static Command Discard()
    {
        var id = OperationsCommand.IdArgument("message", "The failed message's id");
        var command = new Command("discard", "Drop a failed message: the client's failed count goes down") { id };
        command.Runs(async run =>
        {
            var message = run.Parse.GetValue(id);
            await run.Api.SendAsync(HttpMethod.Delete, $"messages/{message}", run.Deadline, retry: false);
            run.Print(new JsonObject { ["discarded"] = message }, $"message {message} discarded");
            return ExitCodes.Done;
        });
        return command;
    }
}
