namespace Relay.Server.Verification;

/// <summary>
/// One comparison of what a client holds with what it should hold, judged in the client's queue
/// after every message queued before it. For a sync the counts are what it found and repaired.
/// </summary>
/// <param name="Id">The verification's id (<c>GET /verifications/{id}</c>).</param>
/// <param name="ClientId">The client compared.</param>
/// <param name="MessageId">The queue entry that runs the comparison, in order with the client's messages.</param>
/// <param name="Kind"><c>verify</c> (compare only) or <c>sync</c> (compare, then send only the rows that
/// differ).</param>
/// <param name="State">
/// <c>pending</c> (not reached yet: messages ahead of it, or the client is away), <c>judged</c>,
/// <c>superseded</c> (a replace, sync or delete-all queued after it will redefine the whole table, so
/// there was nothing to compare or repair), or <c>failed</c> (the client refused; see <c>note</c>).
/// </param>
/// <param name="RequestedAt">When it was queued (UTC).</param>
/// <param name="JudgedAt">When it was judged (UTC).</param>
/// <param name="InSync">True when the client held exactly what it should; null until judged.</param>
/// <param name="ExpectedRows">How many personnel the client should hold.</param>
/// <param name="ClientRows">How many it holds.</param>
/// <param name="Missing">Rows it should hold and does not.</param>
/// <param name="Extra">Rows it holds and should not.</param>
/// <param name="Different">Rows it holds with other content than the server's.</param>
/// <param name="NotJudged">Personnel left out of the comparison because a message queued after it changes them.</param>
/// <param name="MissingIds">Up to 20 of the missing ids.</param>
/// <param name="ExtraIds">Up to 20 of the extra ids.</param>
/// <param name="DifferentIds">Up to 20 of the different ids.</param>
/// <param name="BytesMoved">Bytes exchanged with the client to compare (digests, not rows).</param>
/// <param name="RowsSent">For a sync: personnel sent to repair (upserts and deletions).</param>
/// <param name="Note">Why it failed or was superseded.</param>
public sealed record VerificationResult(
    long Id,
    long ClientId,
    long? MessageId,
    string Kind,
    VerificationState State,
    DateTime RequestedAt,
    DateTime? JudgedAt,
    bool? InSync,
    long? ExpectedRows,
    long? ClientRows,
    long? Missing,
    long? Extra,
    long? Different,
    long? NotJudged,
    IReadOnlyList<long> MissingIds,
    IReadOnlyList<long> ExtraIds,
    IReadOnlyList<long> DifferentIds,
    long? BytesMoved,
    long? RowsSent,
    string? Note
);

/// <summary>Every client's verification from one fleet-wide call.</summary>
/// <param name="InSync">True when every client is judged in sync; false when one is not (or failed); null while some
/// are pending.</param>
/// <param name="Clients">How many clients were asked.</param>
/// <param name="Judged">How many are judged.</param>
/// <param name="Drifted">How many are judged and not in sync, or failed.</param>
/// <param name="Pending">How many are not judged yet.</param>
/// <param name="Verifications">Each client's verification, by client id.</param>
public sealed record FleetVerification(
    bool? InSync,
    int Clients,
    int Judged,
    int Drifted,
    int Pending,
    IReadOnlyList<VerificationResult> Verifications
);

/// <summary>Where a verification stands: queued, judged (see <c>inSync</c>), failed (the client could not be compared),
/// or superseded by a later message that redefines the client's whole table.</summary>
public enum VerificationState
{
    Pending,
    Judged,
    Failed,
    Superseded,
}
