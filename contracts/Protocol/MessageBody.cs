using Relay.Contracts.Personnel;

namespace Relay.Contracts.Protocol;

/// <summary>
/// What one message asks of a client. The server stores it as the message's payload when the
/// operation is accepted, so it is a snapshot: later edits of the personnel do not change it.
/// </summary>
/// <param name="Kind">The action.</param>
/// <param name="Personnel">For <see cref="MessageKind.Save"/>: the personnel to insert or update.</param>
/// <param name="PersonnelIds">For <see cref="MessageKind.Delete"/>: the ids to delete.</param>
public sealed record MessageBody(
    MessageKind Kind,
    IReadOnlyList<PersonnelRecord>? Personnel = null,
    IReadOnlyList<long>? PersonnelIds = null)
{
    /// <summary>How many personnel the message touches (0 for delete-all).</summary>
    public int ItemCount => Kind switch
    {
        MessageKind.Save => Personnel?.Count ?? 0,
        MessageKind.Delete => PersonnelIds?.Count ?? 0,
        _ => 0,
    };
}
