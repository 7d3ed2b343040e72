namespace Relay.Server.Delivery;

/// <summary>
/// An attempt's deadline that moves with progress: the attempt fails when the client has made no
/// progress (connected, took the next part of a frame, answered) for the whole timeout, not when
/// the attempt as a whole takes longer. A site behind a slow line then takes a window of batches
/// at its own pace, where a limit on the whole window failed the same window at every retry, and
/// every message queued behind it (deletions too) never arrived.
/// </summary>
internal sealed class ProgressDeadline(TimeSpan timeout, CancellationToken ct) : IDisposable
{
    private readonly CancellationTokenSource _stall = Start(timeout, ct);

    public CancellationToken Token => _stall.Token;

    /// <summary>True when the attempt ended because the client stopped making progress (not because the worker stops).</summary>
    public bool Stalled => _stall.IsCancellationRequested && !ct.IsCancellationRequested;

    public void Progressed() => _stall.CancelAfter(timeout);

    public TimeoutException Error() => new($"The client made no progress for {timeout.TotalSeconds:0.###} s (Delivery:AttemptTimeout).");

    public void Dispose() => _stall.Dispose();

    private static CancellationTokenSource Start(TimeSpan timeout, CancellationToken ct)
    {
        var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(timeout);
        return stall;
    }
}
