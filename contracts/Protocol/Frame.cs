using System.Text.Json.Serialization;

namespace Relay.Contracts.Protocol;

/// <summary>One frame of the wire protocol. The JSON property <c>type</c> tells which kind.</summary>
[JsonPolymorphic(
    TypeDiscriminatorPropertyName = "type",
    UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization
)]
[JsonDerivedType(typeof(DeliverFrame), "deliver")]
[JsonDerivedType(typeof(AckFrame), "ack")]
[JsonDerivedType(typeof(NackFrame), "nack")]
[JsonDerivedType(typeof(HelloFrame), "hello")]
[JsonDerivedType(typeof(AuthFrame), "auth")]
[JsonDerivedType(typeof(WelcomeFrame), "welcome")]
[JsonDerivedType(typeof(DigestRequestFrame), "digestRequest")]
[JsonDerivedType(typeof(DigestReplyFrame), "digestReply")]
[JsonDerivedType(typeof(PingFrame), "ping")]
[JsonDerivedType(typeof(PongFrame), "pong")]
[JsonDerivedType(typeof(FeaturesFrame), "features")]
[JsonDerivedType(typeof(FeaturesReplyFrame), "featuresReply")]
public abstract record Frame
{
    /// <summary>Protocol version of the sender; see <see cref="ProtocolVersion"/>.</summary>
    public int Version { get; init; } = ProtocolVersion.Current;
}

/// <summary>Server to client: apply this message.</summary>
/// <param name="MessageId">The server's message id, increasing per client in acceptance order; unique only within one
/// database's life.</param>
/// <param name="MessageUid">
/// 32 lowercase hex digits drawn at random when the message was queued: what the client recognises a
/// redelivery by. Unlike <paramref name="MessageId"/> it is never issued again, even by a server
/// whose database was reset or restored from an older backup.
/// </param>
/// <param name="Body">What to apply.</param>
/// <param name="TraceParent">The W3C trace context of the delivery attempt, for the client's span of applying it; sent
/// only to a client that listed <see cref="Features.TraceParent"/> in its <see cref="FeaturesReplyFrame"/>.</param>
public sealed record DeliverFrame(
    long MessageId,
    string MessageUid,
    MessageBody Body,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null
) : Frame
{
    /// <summary>A new message uid: 128 random bits as 32 lowercase hex digits.</summary>
    public static string NewUid() => Guid.NewGuid().ToString("N");

    /// <summary>True when <paramref name="uid"/> has the form of a message uid.</summary>
    public static bool IsWellFormedUid(string? uid) =>
        uid is { Length: 32 } && uid.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

/// <summary>Client to server: the message is applied (committed), or was already applied before.</summary>
/// <param name="MessageId">The acknowledged message.</param>
/// <param name="Duplicate">True when the message had already been applied and nothing changed now.</param>
public sealed record AckFrame(long MessageId, bool Duplicate = false) : Frame;

/// <summary>Client to server: the message was not applied.</summary>
/// <param name="MessageId">The refused message, or 0 when the frame could not be read far enough to know it.</param>
/// <param name="Permanent">True when sending the same message again cannot succeed (invalid content).</param>
/// <param name="Reason">Why, for the operator.</param>
public sealed record NackFrame(long MessageId, bool Permanent, string Reason) : Frame;

/// <summary>Client to server, first frame of a connection: which credential the client holds, and a fresh random
/// challenge the server must answer with it.</summary>
/// <param name="Challenge">32 random bytes, base64.</param>
/// <param name="ClientId">The client id of the credential the client holds.</param>
/// <param name="Generation">Its generation: during a rotation the server accepts the current one and, for a while, the
/// one before.</param>
public sealed record HelloFrame(string Challenge, long ClientId, int Generation) : Frame;

/// <summary>Server to client: the server's signature over the client's challenge, and a challenge of its own.</summary>
/// <param name="Challenge">32 random bytes, base64, for the client to answer.</param>
/// <param name="Proof">HMAC-SHA256 proof under the client's own secret (see <see cref="TransportAuth"/>): all a
/// client whose credential names no server key can check.</param>
/// <param name="Signature">ECDSA P-256 signature by the server's key (see <see cref="ServerSignature"/>), checked with
/// the public keys the client's credential names.</param>
/// <param name="KeyId">Which key signed (<see cref="ServerSignature.KeyIdOf"/>), for the client's log when it does not
/// know it.</param>
public sealed record AuthFrame(string Challenge, string Proof, string? Signature = null, string? KeyId = null) : Frame;

/// <summary>Client to server: the server is authenticated, and here is the client's proof in turn.</summary>
/// <param name="Proof">HMAC-SHA256 proof; see <see cref="TransportAuth"/>.</param>
/// <param name="LastAppliedId">
/// The server's id of the last message the client applied, or null when it has applied none. A
/// position past every id the server's database has issued, or an id it has issued for another
/// message, means that database lost changes the client holds: it was restored from an older
/// backup, or a cluster lost commits.
/// </param>
/// <param name="LastAppliedUid">That message's uid, which tells whether the server's message of that id is the same
/// one.</param>
public sealed record WelcomeFrame(string Proof, long? LastAppliedId = null, string? LastAppliedUid = null) : Frame;

/// <summary>
/// Server to client: describe the personnel you hold, by buckets (see <c>PersonnelDigest</c>). It
/// changes nothing on the client and is answered at once, between messages.
/// </summary>
/// <param name="Buckets">How many buckets: a power of two from 1 to 65,536.</param>
/// <param name="ListBuckets">Absent: answer every bucket's summary. Present: list the (id, hash) pairs of these
/// buckets' rows instead.</param>
/// <param name="ExpiredBy">Leave out the rows whose <c>validUntil</c> is at or before this time (the server's
/// clock, so both sides leave out the same rows): an expired row opens nothing, whether a site still holds it or has
/// purged it. Sent only to a client that lists <see cref="Features.Validity"/>.</param>
public sealed record DigestRequestFrame(int Buckets, IReadOnlyList<int>? ListBuckets = null, DateTime? ExpiredBy = null)
    : Frame;

/// <summary>Client to server: the answer to a <see cref="DigestRequestFrame"/>.</summary>
/// <param name="Rows">How many personnel the client holds.</param>
/// <param name="BucketSummaries">Every bucket's count and XOR of hashes (12 bytes a bucket, base64), when no buckets
/// were listed.</param>
/// <param name="RowHashes">The listed buckets' rows as (id, hash) pairs (16 bytes a row, base64), when buckets were
/// listed.</param>
public sealed record DigestReplyFrame(long Rows, byte[]? BucketSummaries = null, byte[]? RowHashes = null) : Frame;

/// <summary>
/// Server to client, on an idle link: are you there? Answered at once with a <see cref="PongFrame"/>, so the server
/// knows when it last heard from the client, not only when it last connected. A client of an earlier build answers
/// a nack, which says as much.
/// </summary>
public sealed record PingFrame : Frame;

/// <summary>Client to server: the answer to a <see cref="PingFrame"/>.</summary>
public sealed record PongFrame : Frame;

/// <summary>
/// Server to client: which optional fields do you take? Answered at once with a <see cref="FeaturesReplyFrame"/>. A
/// client of an earlier version 6 build answers a nack, which means none: the server then sends it nothing optional.
/// </summary>
public sealed record FeaturesFrame : Frame;

/// <summary>Client to server: the answer to a <see cref="FeaturesFrame"/>.</summary>
/// <param name="Accepts">The optional fields the client takes (see <see cref="Features"/>); others are never sent to
/// it.</param>
public sealed record FeaturesReplyFrame(IReadOnlyList<string> Accepts) : Frame;

/// <summary>The optional fields and behaviours a client can list in its <see cref="FeaturesReplyFrame"/>.</summary>
public static class Features
{
    /// <summary><c>traceparent</c> on deliver frames (<see cref="DeliverFrame.TraceParent"/>).</summary>
    public const string TraceParent = "traceparent";

    /// <summary>
    /// Deletions may be sent ahead of messages queued before them: the client keeps, for each personnel it deleted,
    /// the deleting message's id, and applies no older save, patch or replacement of that personnel. A client that does
    /// not list it receives everything in the order it was queued.
    /// </summary>
    public const string Overtaking = "overtaking";

    /// <summary>
    /// The client keeps personnel's validity windows (<c>validFrom</c>, <c>validUntil</c>), lists only those valid at
    /// the time of a read, and takes <see cref="DigestRequestFrame.ExpiredBy"/>. A client that does not list it refuses
    /// a message that carries a window (its JSON does not know the fields): the message fails, visibly.
    /// </summary>
    public const string Validity = "validity";
}
