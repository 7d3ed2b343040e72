namespace Relay.Server.Outbox;

/// <summary>
/// A wake-up that is pending or not: many wakes before the sleeper looks collapse into one. Its
/// wait ends on a timeout without an exception, because thousands of idle workers time out every
/// few seconds, and an exception per timeout was most of an idle fleet's garbage and CPU
/// (docs/performance.md). Hand-written: <c>Channel</c> and the AsyncEx events end a
/// timed wait by throwing, and <c>SemaphoreSlim</c> takes no <see cref="TimeProvider"/>.
/// </summary>
internal sealed class Wake
{
    private TaskCompletionSource _next = New();

    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>True when woken (the wake is then used up), false when the timeout passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var next = Volatile.Read(ref _next);
        if (!next.Task.IsCompleted)
        {
            await next.Task.WaitAsync(timeout, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ct.ThrowIfCancellationRequested();
            if (!next.Task.IsCompleted)
            {
                return false;
            }
        }

        // Used up before the caller looks for work: a wake set from here on is kept for the next wait.
        Interlocked.CompareExchange(ref _next, New(), next);
        return true;
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
