using Relay.Contracts.Digest;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Server.Delivery;

namespace Relay.Server.Verification;

/// <summary>
/// Compares a client's table with its target through digests (see <c>contracts/PROTOCOL.md</c>):
/// first one summary per bucket, then the (id, hash) pairs of the buckets that differ. The bytes
/// moved grow with the buckets and the differences, not with the table.
/// </summary>
internal static class DriftFinder
{
    /// <summary>Rows asked for in one listing request, so an answer stays far below the frame limit.</summary>
    private const long RowsPerListing = 100_000;

    /// <summary>Compares the client's table with <paramref name="target"/>. A client that keeps validity windows is
    /// compared on the rows not expired by <paramref name="now"/> (both sides leave the rest out: an expired row opens
    /// nothing, held or purged); any other client on every row.</summary>
    public static async Task<Drift> FindAsync(
        ClientConnection connection,
        string host,
        int port,
        ClientTarget target,
        DateTime now,
        CancellationToken ct
    )
    {
        await connection.OpenIfClosedAsync(host, port, ct);
        var expiredBy = connection.AcceptsValidity ? ValidityWindow.Normalize(now) : null;
        var rows = expiredBy is { } cutoff
            ? target.Rows.Values.Where(r => r.ValidUntil is null || r.ValidUntil > cutoff).ToList()
            : (ICollection<PersonnelRecord>)target.Rows.Values;
        var buckets = PersonnelDigest.BucketsFor(rows.Count);
        var hashes = new Dictionary<long, ulong>(rows.Count);
        var ours = new BucketSummaries(buckets);
        foreach (var row in rows)
        {
            var hash = PersonnelDigest.RowHash(row);
            hashes[row.Id] = hash;
            ours.Add(row.Id, hash);
        }

        var (summary, bytes) = await AskAsync(
            connection,
            host,
            port,
            new DigestRequestFrame(buckets, ExpiredBy: expiredBy),
            ct
        );
        var theirs = summary.BucketSummaries is { } encoded ? BucketSummaries.Decode(encoded, buckets) : null;
        if (theirs is null)
        {
            throw new ProtocolException(
                ProtocolError.Malformed,
                $"The client's digest reply does not hold {buckets} bucket summaries."
            );
        }

        var differing = Enumerable.Range(0, buckets).Where(b => !ours.SameAs(theirs, b)).ToList();
        var held = new Dictionary<long, ulong>();
        async Task ListAsync(List<int> listed)
        {
            var (listing, listingBytes) = await AskAsync(
                connection,
                host,
                port,
                new DigestRequestFrame(buckets, listed, expiredBy),
                ct
            );
            bytes += listingBytes;
            var rows = listing.RowHashes is { } pairs ? RowHashes.Decode(pairs) : null;
            foreach (
                var (id, hash) in rows
                    ?? throw new ProtocolException(
                        ProtocolError.Malformed,
                        "The client's digest reply does not list row hashes."
                    )
            )
            {
                held[id] = hash;
            }
        }

        // A bucket the client holds nothing of needs no listing: all its expected rows are missing.
        var group = new List<int>();
        long groupRows = 0;
        foreach (var bucket in differing.Where(b => theirs.CountOf(b) > 0))
        {
            if (group.Count > 0 && groupRows + theirs.CountOf(bucket) > RowsPerListing)
            {
                await ListAsync(group);
                (group, groupRows) = ([], 0);
            }

            group.Add(bucket);
            groupRows += theirs.CountOf(bucket);
        }

        if (group.Count > 0)
        {
            await ListAsync(group);
        }

        return Compare(target, hashes, held, differing.ToHashSet(), buckets, summary.Rows, bytes);
    }

    private static Drift Compare(
        ClientTarget target,
        Dictionary<long, ulong> expected,
        Dictionary<long, ulong> held,
        HashSet<int> differing,
        int buckets,
        long clientRows,
        long bytes
    )
    {
        List<long> missing = [],
            extra = [],
            different = [];
        foreach (var (id, hash) in expected)
        {
            if (!differing.Contains(PersonnelDigest.BucketOf(id, buckets)) || target.NotJudged.Contains(id))
            {
                continue;
            }

            if (!held.TryGetValue(id, out var theirs))
            {
                missing.Add(id);
            }
            else if (theirs != hash)
            {
                different.Add(id);
            }
        }

        extra.AddRange(held.Keys.Where(id => !expected.ContainsKey(id) && !target.NotJudged.Contains(id)));
        missing.Sort();
        extra.Sort();
        different.Sort();
        return new Drift(expected.Count, clientRows, missing, extra, different, target.NotJudged.Count, bytes);
    }

    private static async Task<(DigestReplyFrame Reply, long Bytes)> AskAsync(
        ClientConnection connection,
        string host,
        int port,
        DigestRequestFrame request,
        CancellationToken ct
    )
    {
        var (reply, bytes) = await connection.RequestAsync(host, port, request, ct);
        return reply switch
        {
            DigestReplyFrame digest => (digest, bytes),
            NackFrame { Permanent: false } nack => throw new TransientRefusalException(nack.Reason),
            NackFrame nack => throw new DigestRefusedException(nack.Reason),
            _ => throw new ProtocolException(
                ProtocolError.OutOfTurn,
                $"The client answered a digest request with a {reply.GetType().Name}."
            ),
        };
    }
}

/// <summary>The client refused a digest request for good (for example an older client that does not know it).</summary>
internal sealed class DigestRefusedException(string reason)
    : Exception($"The client refused the digest request: {reason}");
