using System.Text.Json.Serialization;
using Relay.Contracts.Personnel;

namespace Relay.Contracts.Protocol;

/// <summary>
/// What one message asks of a client. The server stores it as the message's payload when the
/// operation is accepted, so it is a snapshot: later edits of the personnel do not change it.
/// </summary>
/// <param name="Kind">The action.</param>
/// <param name="Personnel">For <see cref="MessageKind.Save"/> and <see cref="MessageKind.Patch"/>: the personnel to
/// insert or update; for <see cref="MessageKind.Update"/>, to update where held.</param>
/// <param name="PersonnelIds">For <see cref="MessageKind.Delete"/> and <see cref="MessageKind.Patch"/>: the ids to
/// delete.</param>
/// <param name="Part">For <see cref="MessageKind.Replace"/> and <see cref="MessageKind.Patch"/>: which part of which
/// staged change this is.</param>
public sealed record MessageBody(
    MessageKind Kind,
    IReadOnlyList<PersonnelRecord>? Personnel = null,
    IReadOnlyList<long>? PersonnelIds = null,
    StagedPart? Part = null
)
{
    /// <summary>How many personnel the message touches (0 for delete-all).</summary>
    [JsonIgnore]
    public int ItemCount =>
        Kind switch
        {
            MessageKind.Save or MessageKind.Replace or MessageKind.Update => Personnel?.Count ?? 0,
            MessageKind.Delete => PersonnelIds?.Count ?? 0,
            MessageKind.Patch => (Personnel?.Count ?? 0) + (PersonnelIds?.Count ?? 0),
            _ => 0,
        };
}

/// <summary>
/// Where a message sits in a staged change (a replacement or a patch): the client stages every part
/// and the last one makes the whole change take effect in one transaction.
/// </summary>
/// <param name="SetId">Identifies the change; every part carries the same one.</param>
/// <param name="Part">1-based position of this part.</param>
/// <param name="Parts">How many parts the change has; the part whose number equals it is the last.</param>
public sealed record StagedPart(string SetId, int Part, int Parts)
{
    /// <summary>True on the part that makes the change take effect.</summary>
    [JsonIgnore]
    public bool IsLast => Part == Parts;
}
