using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Relay.Server.Outbox;

/// <summary>
/// Wakes the sender as soon as an operation has committed, so a single message goes out without
/// waiting for the next poll. Polling stays as the safety net (other server instances, lost wakes).
/// </summary>
internal sealed class OutboxSignal
{
    private readonly ConcurrentDictionary<long, Channel<bool>> _perClient = new();
    private readonly Channel<bool> _clientsChanged = NewChannel();

    public void Notify(IEnumerable<long> clientIds)
    {
        foreach (var id in clientIds)
        {
            For(id).Writer.TryWrite(true);
        }
    }

    public void NotifyClientsChanged() => _clientsChanged.Writer.TryWrite(true);

    private TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A message was acknowledged or refused here: wakes every caller waiting on operations.</summary>
    public void NotifySettled() => Interlocked.Exchange(ref _settled, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="NotifySettled"/> in this process.</summary>
    public Task NextSettled => Volatile.Read(ref _settled).Task;

    /// <summary>Waits until <see cref="Notify"/> names the client (true) or the timeout passes (false).</summary>
    public Task<bool> WaitForMessagesAsync(long clientId, TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        WaitAsync(For(clientId), timeout, time, ct);

    public Task<bool> WaitForClientsChangedAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        WaitAsync(_clientsChanged, timeout, time, ct);

    public void Forget(long clientId) => _perClient.TryRemove(clientId, out _);

    private Channel<bool> For(long clientId) => _perClient.GetOrAdd(clientId, _ => NewChannel());

    private static async Task<bool> WaitAsync(Channel<bool> channel, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        try
        {
            await channel.Reader.ReadAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
            return false;
        }
    }

    // One pending wake is enough: many commits before the sender looks collapse into one.
    private static Channel<bool> NewChannel() =>
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
}
