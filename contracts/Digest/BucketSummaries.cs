using System.Buffers.Binary;

namespace Relay.Contracts.Digest;

/// <summary>
/// Row count and XOR of row hashes for every bucket of a table. On the wire: per bucket, in order,
/// a 4-byte big-endian count then the 8-byte big-endian XOR (12 bytes a bucket).
/// </summary>
public sealed class BucketSummaries
{
    /// <summary>Bytes per bucket on the wire.</summary>
    public const int BytesPerBucket = 12;

    private readonly uint[] _counts;
    private readonly ulong[] _digests;

    /// <summary>Empty summaries for <paramref name="buckets"/> buckets (a power of two up to 65,536).</summary>
    public BucketSummaries(int buckets)
    {
        if (!PersonnelDigest.IsValidBucketCount(buckets))
        {
            throw new ArgumentOutOfRangeException(
                nameof(buckets),
                buckets,
                "A bucket count is a power of two up to 65,536."
            );
        }

        _counts = new uint[buckets];
        _digests = new ulong[buckets];
    }

    /// <summary>How many buckets.</summary>
    public int Buckets => _counts.Length;

    /// <summary>Counts one row into its bucket.</summary>
    public void Add(long id, ulong hash)
    {
        var bucket = PersonnelDigest.BucketOf(id, Buckets);
        _counts[bucket]++;
        _digests[bucket] ^= hash;
    }

    /// <summary>How many rows the bucket holds.</summary>
    public uint CountOf(int bucket) => _counts[bucket];

    /// <summary>True when the bucket holds the same rows on both sides.</summary>
    public bool SameAs(BucketSummaries other, int bucket) =>
        _counts[bucket] == other._counts[bucket] && _digests[bucket] == other._digests[bucket];

    /// <summary>The wire form: 12 bytes a bucket.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[Buckets * BytesPerBucket];
        for (var i = 0; i < Buckets; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * BytesPerBucket), _counts[i]);
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan((i * BytesPerBucket) + 4), _digests[i]);
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; null when the length does not fit the bucket count.</summary>
    public static BucketSummaries? Decode(ReadOnlySpan<byte> bytes, int buckets)
    {
        if (!PersonnelDigest.IsValidBucketCount(buckets) || bytes.Length != buckets * BytesPerBucket)
        {
            return null;
        }

        var summaries = new BucketSummaries(buckets);
        for (var i = 0; i < buckets; i++)
        {
            summaries._counts[i] = BinaryPrimitives.ReadUInt32BigEndian(bytes[(i * BytesPerBucket)..]);
            summaries._digests[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes[((i * BytesPerBucket) + 4)..]);
        }

        return summaries;
    }
}
