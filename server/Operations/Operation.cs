using Relay.Server.Outbox;

namespace Relay.Server.Operations;

/// <summary>What an operation asks for: which clients, which personnel, and whether to save or delete.</summary>
/// <param name="ClientId">One client, or null for every registered client.</param>
/// <param name="PersonnelId">One personnel, or null for all of them.</param>
/// <param name="Delete">True to delete from the clients, false to save onto them.</param>
/// <param name="Replace">With all personnel saved: the clients end up holding exactly them, swapped in
/// atomically.</param>
/// <param name="Sync">Like <paramref name="Replace"/>, but only the rows that differ are sent, found by comparing
/// digests when the client is reached.</param>
internal sealed record Operation(
    long? ClientId,
    long? PersonnelId,
    bool Delete,
    bool Replace = false,
    bool Sync = false
)
{
    /// <summary>What the operation does, as <c>GET /operations</c> names it.</summary>
    public string Kind =>
        this switch
        {
            { Sync: true } => OperationKinds.Sync,
            { Replace: true } => OperationKinds.Replace,
            { Delete: true, PersonnelId: not null } => OperationKinds.DeleteOne,
            { Delete: true } => OperationKinds.DeleteAll,
            { PersonnelId: not null } => OperationKinds.SendOne,
            _ => OperationKinds.SendAll,
        };
}

/// <summary>The operation an API call stored, with what it queued; or, without one, which id it could not
/// find.</summary>
/// <param name="Clients">How many clients it is for.</param>
/// <param name="Messages">How many messages it queued, counted per client (a broadcast batch once for each
/// client).</param>
internal sealed record EnqueueResult(
    StoredOperation? Operation,
    int Clients,
    long Messages,
    string? Missing = null,
    long MissingId = 0
)
{
    public static EnqueueResult NotFound(string what, long id) => new(null, 0, 0, what, id);
}
