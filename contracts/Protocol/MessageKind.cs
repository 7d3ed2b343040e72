using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Relay.Contracts.Protocol;

/// <summary>What a message asks the client to do.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MessageKind>))]
public enum MessageKind
{
    /// <summary>Insert or update every personnel in <see cref="MessageBody.Personnel"/>, by id.</summary>
    [JsonStringEnumMemberName("save")]
    Save = 1,

    /// <summary>Delete every personnel whose id is in <see cref="MessageBody.PersonnelIds"/>.</summary>
    [JsonStringEnumMemberName("delete")]
    Delete = 2,

    /// <summary>Delete every personnel the client holds.</summary>
    [JsonStringEnumMemberName("deleteAll")]
    DeleteAll = 3,

    /// <summary>
    /// One part of a replacement (see <see cref="MessageBody.Part"/>): the client stages <see
    /// cref="MessageBody.Personnel"/>, and on the
    /// last part swaps its whole table for the staged rows in one transaction.
    /// </summary>
    [JsonStringEnumMemberName("replace")]
    Replace = 4,

    /// <summary>
    /// Update every personnel in <see cref="MessageBody.Personnel"/> that the client holds, by id;
    /// ids it does not hold are left absent. An edit on the server reaches the clients this way
    /// without adding the personnel where it was never sent.
    /// </summary>
    [JsonStringEnumMemberName("update")]
    Update = 5,

    /// <summary>
    /// One part of a repair by difference: the client stages <see cref="MessageBody.Personnel"/> to
    /// insert or update and <see cref="MessageBody.PersonnelIds"/> to delete, and on the last part
    /// applies all of it in one transaction. What a sync sends: only the rows that differ.
    /// </summary>
    [JsonStringEnumMemberName("patch")]
    Patch = 6,
}

/// <summary>Message kinds by the names they have in JSON, which is also how the server's outbox stores them.</summary>
public static class MessageKindNames
{
    private static readonly FrozenDictionary<MessageKind, string> Names = Enum.GetValues<MessageKind>()
        .ToFrozenDictionary(
            kind => kind,
            kind => JsonSerializer.Serialize(kind, RelayJsonContext.Default.MessageKind).Trim('"')
        );

    /// <summary>The kind's name, as its <see cref="JsonStringEnumMemberNameAttribute"/> gives it.</summary>
    public static string ToName(this MessageKind kind) =>
        Names.TryGetValue(kind, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a message kind.");
}
