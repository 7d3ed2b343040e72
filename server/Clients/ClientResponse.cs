using System.Text.Json.Serialization;

namespace Relay.Server.Clients;

/// <summary>A registered client and how far behind it is.</summary>
/// <param name="State">At a glance: unreachable (the server cannot connect to it, or work waits and the last attempt
/// failed), failed (it refused messages for good), behind (messages on their way) or upToDate.</param>
/// <param name="LastContactAt">When a server last got an answer from the client.</param>
/// <param name="LastError">The last delivery or connection error, cleared by the next success.</param>
/// <param name="UnreachableSince">Since when the server holding it has been unable to connect to it; null while it
/// can.</param>
/// <param name="PendingMessages">Messages waiting to be delivered to it.</param>
/// <param name="OldestPendingAt">When the oldest of them was queued; null when none waits.</param>
/// <param name="FailedMessages">Messages it refused for good (see <c>GET /messages?state=failed</c>).</param>
/// <param name="ServedBy">The server instance that holds its delivery lease, if any.</param>
/// <param name="CredentialGeneration">The generation of its link credential that is current.</param>
/// <param name="PreviousCredentialValidUntil">After a rotation: until when the generation before still works.</param>
/// <param name="CredentialInUse">The generation the client proved it holds at its last connection; null before it ever
/// connected.</param>
/// <param name="AheadOfServer">
/// Set when the client reported at a connection that it had applied a message past every id the
/// server's database has issued: the id it reported. The database lost changes the client holds
/// (restored from an older backup, or commits a cluster lost); verify the client and decide what it
/// should hold. Cleared when a verify finds it in sync.
/// </param>
/// <param name="AheadSince">When the server first noticed it; null unless <paramref name="AheadOfServer"/> is
/// set.</param>
/// <param name="Position">What the client itself says it holds, without a digest round: the id of the last change it
/// applied, as it reported at its last connection and with each acknowledgement since. <paramref
/// name="PendingMessages"/> are the changes it is behind. Null before it ever reported.</param>
/// <param name="PositionReportedAt">When it last reported its position.</param>
public sealed record ClientResponse(
    long Id,
    string Name,
    string Host,
    int Port,
    ClientState State,
    DateTime? LastContactAt,
    string? LastError,
    DateTime? UnreachableSince,
    long PendingMessages,
    DateTime? OldestPendingAt,
    long FailedMessages,
    string? ServedBy,
    int CredentialGeneration,
    DateTime? PreviousCredentialValidUntil,
    int? CredentialInUse,
    long? AheadOfServer,
    DateTime? AheadSince,
    long? Position,
    DateTime? PositionReportedAt
)
{
    /// <summary>Only in the answer to <c>POST /clients</c>: the client's link credential, shown once (give it to the
    /// daemon as <c>Client:Credential</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Credential { get; init; }
}
