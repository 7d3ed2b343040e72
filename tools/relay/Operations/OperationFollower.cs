using System.Diagnostics;
using System.Text.Json.Nodes;
using Relay.Cli.Terminal;

namespace Relay.Cli.Operations;

/// <summary>
/// Follows a queued operation until it settles or <c>--timeout</c> passes, reading
/// <c>GET /operations/{id}</c> every half second (sooner at first), and ends the command: 0 when every client
/// acknowledged, 1 when one refused a message for good, 3 when time ran out; the clients that are
/// not done are named on standard error.
/// </summary>
internal static class OperationFollower
{
    // Short reads first, so a small operation ends the command as soon as it is delivered.
    private static readonly TimeSpan[] Pauses =
    [
        .. new[] { 25, 50, 100, 200 }.Select(ms => TimeSpan.FromMilliseconds(ms)),
    ];
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    /// <summary>Ends a command that queued <paramref name="operation"/>: follows it with <c>--wait</c>, else prints
    /// it.</summary>
    public static async Task<int> EndAsync(Run run, JsonNode operation, bool wait)
    {
        var queued = OperationSnapshot.Of(operation);
        if (wait)
        {
            return await FollowAsync(run, queued.Id);
        }

        run.Print(
            operation,
            $"operation {queued.Id} ({queued.Kind}) queued for {queued.Clients} client(s), {queued.Messages:N0} messages; "
                + $"follow it with: relay operations wait {queued.Id}"
        );
        return ExitCodes.Done;
    }

    public static async Task<int> FollowAsync(Run run, long id)
    {
        var started = Stopwatch.StartNew();
        JsonNode? latest = null;
        var settled = await ProgressView.ShowAsync(run, async show =>
        {
            try
            {
                for (var read = 0; ; read++)
                {
                    latest = (await run.Api.GetAsync($"operations/{id}", run.Deadline)).Body;
                    var snapshot = OperationSnapshot.Of(latest);
                    show(snapshot);
                    if (snapshot.State != "pending")
                    {
                        return true;
                    }

                    await Task.Delay(read < Pauses.Length ? Pauses[read] : Every, run.Deadline);
                }
            }
            catch (OperationCanceledException) when (run.Deadline.IsCancellationRequested)
            {
                return false;
            }
        });

        if (!settled)
        {
            return await TimedOutAsync(run, id, latest);
        }

        var final = OperationSnapshot.Of(latest!);
        if (final.State == "delivered")
        {
            run.Print(
                latest,
                $"operation {id} ({final.Kind}) delivered: {final.ClientsDone} of {final.Clients} client(s), "
                    + $"{final.Delivered:N0} messages, in {started.Elapsed.TotalSeconds:N1} s"
            );
            return ExitCodes.Done;
        }

        run.Print(latest, $"operation {id} ({final.Kind}) failed: {final.Counts}");
        await NameUnfinishedAsync(run, id, "failed");
        return ExitCodes.Failed;
    }

    private static async Task<int> TimedOutAsync(Run run, long id, JsonNode? latest)
    {
        if (latest is not null)
        {
            run.Print(latest, $"operation {id} still pending: {OperationSnapshot.Of(latest).Counts}");
        }

        run.Note(
            run.Interrupted
                ? $"relay: stopped following operation {id}, still pending; it goes on. Not done:"
                : $"relay: timed out (--timeout) with operation {id} still pending; it goes on. Not done:"
        );
        await NameUnfinishedAsync(run, id, "unfinished");
        run.Note($"follow it again with: relay operations wait {id}");
        return ExitCodes.TimedOut;
    }

    /// <summary>Names up to 20 clients in <paramref name="state"/>, each with its last error.</summary>
    private static async Task NameUnfinishedAsync(Run run, long id, string state)
    {
        // The deadline may have passed: these few seconds are the last read, not more waiting.
        using var lastRead = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var page = await run.Api.GetAsync($"operations/{id}/clients?state={state}&limit=20", lastRead.Token);
            foreach (var client in page.Body["items"]?.AsArray() ?? [])
            {
                run.Note(
                    $"  client {client!["clientId"]} {client["name"]}: {client["state"]}, "
                        + $"{client["lastError"]?.ToString() ?? "no error yet"}"
                );
            }
        }
        catch (Exception e) when (e is Api.CommandFailure or OperationCanceledException)
        {
            run.Note($"  (could not list them: {e.Message})");
        }
    }
}
