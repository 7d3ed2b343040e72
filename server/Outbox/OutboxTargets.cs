namespace Relay.Server.Outbox;

/// <summary>Which clients an <see cref="OutboxTransaction"/> queues for, and whether it takes its place in the queue's
/// order.</summary>
internal sealed record OutboxTargets
{
    private OutboxTargets(long? clientId, bool allClients, bool ordered) =>
        (ClientId, AllClients, Ordered) = (clientId, allClients, ordered);

    /// <summary>Every client registered when the transaction takes the counter.</summary>
    public static OutboxTargets All { get; } = new(null, allClients: true, ordered: true);

    /// <summary>
    /// No client, but ordered with every transaction that queues (the counter is taken): a new
    /// client's registration, a failed copy of a broadcast.
    /// </summary>
    public static OutboxTargets None { get; } = new(null, allClients: false, ordered: true);

    /// <summary>No client and no place in the order: a change to the register that is not propagated.</summary>
    public static OutboxTargets Unordered { get; } = new(null, allClients: false, ordered: false);

    /// <summary>One client, if it is registered.</summary>
    public static OutboxTargets Client(long clientId) => new(clientId, allClients: false, ordered: true);

    /// <summary>The one client, or null for all of them or none.</summary>
    public long? ClientId { get; }

    public bool AllClients { get; }

    /// <summary>Takes the message counter first, which orders this transaction with every other that queues.</summary>
    public bool Ordered { get; }
}
