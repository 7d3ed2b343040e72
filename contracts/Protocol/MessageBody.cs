using System.Text.Json.Serialization;
using Relay.Contracts.Personnel;

namespace Relay.Contracts.Protocol;

/// <summary>
/// What one message asks of a client. The server stores it as the message's payload when the
/// operation is accepted, so it is a snapshot: later edits of the personnel do not change it.
/// </summary>
/// <param name="Kind">The action.</param>
/// <param name="Personnel">For <see cref="MessageKind.Save"/>: the personnel to insert or update; for <see cref="MessageKind.Update"/>, to update where held.</param>
/// <param name="PersonnelIds">For <see cref="MessageKind.Delete"/>: the ids to delete.</param>
/// <param name="Replace">For <see cref="MessageKind.Replace"/>: which part of which replacement this is.</param>
public sealed record MessageBody(
    MessageKind Kind,
    IReadOnlyList<PersonnelRecord>? Personnel = null,
    IReadOnlyList<long>? PersonnelIds = null,
    ReplacePart? Replace = null)
{
    /// <summary>How many personnel the message touches (0 for delete-all).</summary>
    [JsonIgnore]
    public int ItemCount => Kind switch
    {
        MessageKind.Save or MessageKind.Replace or MessageKind.Update => Personnel?.Count ?? 0,
        MessageKind.Delete => PersonnelIds?.Count ?? 0,
        _ => 0,
    };
}

/// <summary>Where a <see cref="MessageKind.Replace"/> message sits in its replacement.</summary>
/// <param name="SetId">Identifies the replacement; every part carries the same one.</param>
/// <param name="Part">1-based position of this part.</param>
/// <param name="Parts">How many parts the replacement has; the part whose number equals it is the last.</param>
public sealed record ReplacePart(string SetId, int Part, int Parts)
{
    /// <summary>True on the part that makes the replacement take effect.</summary>
    [JsonIgnore]
    public bool IsLast => Part == Parts;
}
