using System.Threading.Channels;

namespace Relay.Server.Database;

/// <summary>
/// Runs calls that arrive together as one (group commit): while a group runs, the calls that
/// arrive meanwhile wait and form the next one. A lone call runs at once, so grouping adds no
/// delay; a thousand clients acknowledging in the same instant cost one MySQL round trip, not a
/// thousand. Hand-written: no Microsoft.Extensions package batches calls this way.
/// </summary>
internal sealed class CallGroups<TRequest, TResult> : IDisposable
{
    private readonly Channel<(TRequest Request, TaskCompletionSource<TResult> Done)> _queue = Channel.CreateUnbounded<(
        TRequest,
        TaskCompletionSource<TResult>
    )>();

    private readonly Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> _run;
    private readonly int _maxGroup;

    /// <param name="run">Runs one group; answers in the order of the requests. Not cancelled by any one caller giving
    /// up.</param>
    /// <param name="maxGroup">Largest group, to bound one statement's size.</param>
    /// <param name="concurrency">Groups run at once: more than one keeps MySQL's cores busy while a group's results
    /// travel.</param>
    public CallGroups(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> run, int maxGroup, int concurrency)
    {
        _run = run;
        _maxGroup = maxGroup;
        for (var i = 0; i < concurrency; i++)
        {
            _ = Task.Run(LoopAsync);
        }
    }

    public Task<TResult> CallAsync(TRequest request, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((request, done)))
        {
            throw new ObjectDisposedException(nameof(CallGroups<TRequest, TResult>));
        }

        return done.Task.WaitAsync(ct);
    }

    private async Task LoopAsync()
    {
        var group = new List<(TRequest Request, TaskCompletionSource<TResult> Done)>(_maxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var call))
            {
                group.Add(call);
            }

            // Every loop wakes for the same call; those that find it taken wait again.
            if (group.Count == 0)
            {
                continue;
            }

            try
            {
                var results = await _run(group.ConvertAll(c => c.Request));
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                // Every caller in the group sees the failure and retries or pauses as it would alone.
                foreach (var call in group)
                {
                    call.Done.TrySetException(e);
                }
            }
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();
}
