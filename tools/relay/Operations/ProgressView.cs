using Relay.Cli.Terminal;
using Spectre.Console;

namespace Relay.Cli.Operations;

/// <summary>
/// Shows an operation's progress on standard error while <c>body</c> follows it: a live bar on a
/// terminal, and on anything else (a CI log, a pipe) a plain line whenever the counts change, at
/// most every two seconds.
/// </summary>
internal static class ProgressView
{
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(2);

    public static async Task<T> ShowAsync<T>(Run run, Func<Action<OperationSnapshot>, Task<T>> body)
    {
        var meter = new RateMeter(TimeProvider.System);
        if (!IsTerminal())
        {
            OperationSnapshot? shown = null;
            var shownAt = long.MinValue;
            return await body(snapshot =>
            {
                meter.Add(snapshot.Settled);
                var due = TimeProvider.System.GetElapsedTime(shownAt) >= PlainEvery;
                if (shown is null || (due && snapshot != shown) || snapshot.State != "pending")
                {
                    run.Note($"operation {snapshot.Id}: {snapshot.Counts}{Pace(meter, snapshot)}");
                    (shown, shownAt) = (snapshot, TimeProvider.System.GetTimestamp());
                }
            });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console
            .Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = 20 },
                new PercentageColumn(),
                new RemainingTimeColumn(),
                new SpinnerColumn()
            )
            .StartAsync(async context =>
            {
                var task = context.AddTask("queued");
                return await body(snapshot =>
                {
                    meter.Add(snapshot.Settled);
                    task.MaxValue = Math.Max(1, snapshot.Messages);
                    task.Value = snapshot.Settled;
                    task.Description = Markup.Escape(Short(snapshot, meter));
                    if (snapshot.State != "pending")
                    {
                        task.Value = task.MaxValue;
                        task.StopTask();
                    }
                });
            });
    }

    /// <summary>What fits beside the bar on an 80-column terminal; the bar and its columns give the share and the
    /// time left.</summary>
    private static string Short(OperationSnapshot s, RateMeter meter) =>
        $"operation {s.Id}: {s.ClientsDone}/{s.Clients} clients"
        + (s.ClientsFailed > 0 ? $" ({s.ClientsFailed} failed)" : "")
        + $", {s.Settled:N0}/{s.Messages:N0} messages"
        + (meter.PerSecond > 0 && s.State == "pending" ? $", {meter.PerSecond:N0}/s" : "");

    private static string Pace(RateMeter meter, OperationSnapshot snapshot) =>
        snapshot.State != "pending" || meter.PerSecond <= 0 ? ""
        : meter.Left(snapshot.Messages - snapshot.Settled) is { } left
            ? $"; {meter.PerSecond:N0}/s, about {left:g} left"
        : "";

    /// <summary>A person is watching: standard error is a terminal that can redraw, outside CI.</summary>
    private static bool IsTerminal() =>
        !Console.IsErrorRedirected
        && Environment.GetEnvironmentVariable("CI") is null or ""
        && Environment.GetEnvironmentVariable("TERM") is not "dumb";
}
