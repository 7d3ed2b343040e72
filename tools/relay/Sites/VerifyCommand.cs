using System.CommandLine;
using System.Text.Json.Nodes;
using Relay.Cli.Operations;
using Relay.Cli.Terminal;

namespace Relay.Cli.Sites;

/// <summary>
/// <c>relay verify</c>: does a client (or every client) hold exactly what it should? Waits for the
/// verdict (the server's <c>?wait</c>, then <c>GET /verifications/{id}</c> for those still queued)
/// and exits 0 when all are in sync, 1 when one drifted or could not be compared, 3 at
/// <c>--timeout</c>.
/// </summary>
internal static class VerifyCommand
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var client = new Argument<string>("client")
        {
            Description = "The client's id, or 'all'",
            CustomParser = Target.Parse,
        };
        var command = new Command(
            "verify",
            "Check that a client holds exactly what it should (digests, not rows); exit 0 in sync, 1 drifted"
        )
        {
            client,
        };
        command.Runs(async run =>
        {
            var target = run.Parse.GetValue(client)!;
            var answer = (
                await run.Api.GetAsync($"clients/{target}/verify?wait={run.SecondsLeft()}", run.Deadline)
            ).Body;
            var verifications =
                target == Target.All
                    ? [.. answer["verifications"]!.AsArray().Select(v => v!)]
                    : new List<JsonNode> { answer };
            var timedOut = false;
            try
            {
                await JudgeAllAsync(run, verifications);
            }
            catch (OperationCanceledException) when (run.Deadline.IsCancellationRequested)
            {
                timedOut = true;
            }

            return Report(run, target, verifications, timedOut);
        });
        return command;
    }

    private static async Task JudgeAllAsync(Run run, List<JsonNode> verifications)
    {
        while (verifications.FindIndex(v => State(v) == "pending") is var next and >= 0)
        {
            await Task.Delay(Every, run.Deadline);
            for (var i = next; i < verifications.Count; i++)
            {
                if (State(verifications[i]) == "pending")
                {
                    verifications[i] = (
                        await run.Api.GetAsync($"verifications/{verifications[i]["id"]}", run.Deadline)
                    ).Body;
                }
            }
        }
    }

    private static int Report(Run run, string target, List<JsonNode> verifications, bool timedOut)
    {
        var drifted = verifications.Where(v => v["inSync"]?.GetValue<bool>() == false || State(v) == "failed").ToList();
        var pending = verifications.Count(v => State(v) == "pending");
        var lines = verifications
            .Where(v => target != Target.All || drifted.Contains(v) || State(v) == "pending")
            .Select(Describe)
            .Prepend(
                $"{verifications.Count} client(s): {verifications.Count - drifted.Count - pending} in sync, "
                    + $"{drifted.Count} drifted, {pending} not judged yet"
            );
        JsonNode fleet = new JsonObject
        {
            ["inSync"] =
                drifted.Count > 0 ? false
                : pending > 0 ? null
                : true,
            ["clients"] = verifications.Count,
            ["drifted"] = drifted.Count,
            ["pending"] = pending,
            ["verifications"] = new JsonArray([.. verifications.Select(v => v.DeepClone())]),
        };
        run.Print(target == Target.All ? fleet : verifications[0], string.Join(Environment.NewLine, lines));
        if (drifted.Count > 0)
        {
            run.Note("relay: not every client holds what it should; repair with: relay sync <client> --wait");
            return ExitCodes.Failed;
        }

        if (timedOut || pending > 0)
        {
            run.Note("relay: timed out (--timeout) before every verdict; the checks go on");
            return ExitCodes.TimedOut;
        }

        return ExitCodes.Done;
    }

    private static string State(JsonNode verification) => verification["state"]!.GetValue<string>();

    private static string Describe(JsonNode v) =>
        State(v) switch
        {
            "pending" => $"  client {v["clientId"]}: not judged yet (messages ahead of it, or it is away)",
            "failed" => $"  client {v["clientId"]}: could not be compared: {v["note"]}",
            "superseded" => $"  client {v["clientId"]}: superseded: {v["note"]}",
            _ when v["inSync"]?.GetValue<bool>() == true =>
                $"  client {v["clientId"]}: in sync, {v["clientRows"]} rows",
            _ => $"  client {v["clientId"]}: drifted: {v["missing"]} missing, {v["extra"]} extra, "
                + $"{v["different"]} different of {v["expectedRows"]} expected",
        };
}
