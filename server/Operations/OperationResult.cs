namespace Relay.Server.Operations;

/// <summary>
/// The messages an operation queued (one per client per batch, in delivery order) and, when the
/// caller waited, those still pending and those a client refused.
/// </summary>
public sealed record OperationResult(IReadOnlyList<long> MessageIds, IReadOnlyList<long> PendingMessageIds, IReadOnlyList<long> FailedMessageIds);
