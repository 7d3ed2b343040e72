namespace Relay.Server.Delivery;

/// <summary>
/// An attempt's deadline that moves with progress: the attempt fails when the client has made no
/// progress (connected, took the next part of a frame, answered) for the whole timeout, not when
/// the attempt as a whole takes longer. A site behind a slow line then takes a window of batches
/// at its own pace, where a limit on the whole window failed the same window at every retry, and
/// every message queued behind it (deletions too) never arrived.
/// </summary>
internal sealed class ProgressDeadline : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _ct;
    private readonly CancellationTokenSource _stall;
    private readonly CancellationTokenRegistration _stopping;

    public ProgressDeadline(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        (_timeout, _ct) = (timeout, ct);

        // On the injected clock (a linked source would run on the real one), and ended with the caller's token.
        _stall = new CancellationTokenSource(timeout, time);
        _stopping = ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _stall);
    }

    public CancellationToken Token => _stall.Token;

    /// <summary>True when the attempt ended because the client stopped making progress (not because the worker
    /// stops).</summary>
    public bool Stalled => _stall.IsCancellationRequested && !_ct.IsCancellationRequested;

    public void Progressed() => _stall.CancelAfter(_timeout);

    public TimeoutException Error() =>
        new($"The client made no progress for {_timeout.TotalSeconds:0.###} s (Delivery:AttemptTimeout).");

    public void Dispose()
    {
        _stopping.Dispose();
        _stall.Dispose();
    }
}
