using Polly;
using Relay.Contracts.Protocol;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// Entries of a client's queue that the server runs itself when they reach its head, over the
/// worker's connection, instead of sending them as they are (the verification's verify and sync).
/// The worker runs one alone, once everything queued before it has been applied.
/// </summary>
internal interface IQueuedChecks
{
    /// <summary>True for a kind of queue entry that is run rather than sent.</summary>
    bool IsCheck(string kind);

    /// <summary>Runs the check and records its outcome, acknowledging or failing it in the queue.</summary>
    Task RunAsync(
        ClientConnection connection,
        PendingMessage check,
        ResiliencePipeline<IReadOnlyList<Frame>> pipeline,
        CancellationToken ct
    );
}
