using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>Lets a caller (<c>?wait=SECONDS</c>) wait until an operation is settled, then answers where it
/// stands.</summary>
internal sealed class OperationWaiter(OperationProgress progress, MessageWaiter messages)
{
    /// <summary>Waits until no client has a message of the operation left to receive, or the time is up; then reads
    /// where it stands.</summary>
    public async Task<OperationStatus> WaitAsync(StoredOperation operation, TimeSpan timeout, CancellationToken ct)
    {
        var broadcasts = await progress.BroadcastIdsAsync(operation, ct);
        await messages.UntilAsync(() => progress.HasPendingAsync(operation, broadcasts, ct), timeout, ct);
        return await progress.StatusAsync(operation, broadcasts, ct);
    }
}
