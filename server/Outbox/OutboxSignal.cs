using System.Collections.Concurrent;

namespace Relay.Server.Outbox;

/// <summary>
/// Wakes the sender as soon as an operation has committed, so a single message goes out without
/// waiting for the next poll. Polling stays as the safety net (other server instances, lost wakes).
/// </summary>
internal sealed class OutboxSignal
{
    private readonly ConcurrentDictionary<long, Wake> _perClient = new();
    private readonly Wake _clientsChanged = new();

    public void Notify(IEnumerable<long> clientIds)
    {
        foreach (var id in clientIds)
        {
            For(id).Set();
        }
    }

    public void NotifyClientsChanged() => _clientsChanged.Set();

    private TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A message was acknowledged or refused here: wakes every caller waiting on operations.</summary>
    public void NotifySettled() =>
        Interlocked.Exchange(ref _settled, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="NotifySettled"/> in this process.</summary>
    public Task NextSettled => Volatile.Read(ref _settled).Task;

    /// <summary>Waits until <see cref="Notify"/> names the client (true) or the timeout passes (false).</summary>
    public Task<bool> WaitForMessagesAsync(long clientId, TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        For(clientId).WaitAsync(timeout, time, ct);

    public Task<bool> WaitForClientsChangedAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        _clientsChanged.WaitAsync(timeout, time, ct);

    private Wake For(long clientId) => _perClient.GetOrAdd(clientId, _ => new Wake());
}
