namespace Relay.Server.Operations;

/// <summary>The messages an operation queued, one per client per batch, in delivery order.</summary>
public sealed record OperationAccepted(IReadOnlyList<long> MessageIds);
