using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Relay.Contracts.Personnel;

namespace Relay.Contracts.Digest;

/// <summary>
/// How the server and a client compare what the client holds without copying the table: every row
/// has a 64-bit hash, rows fall into buckets by id, and a bucket is summed up by its row count and
/// the XOR of its rows' hashes. Equal summaries mean equal buckets (short of a 64-bit collision);
/// only the rows of unequal buckets are listed, as (id, hash) pairs. Both sides use this one class.
/// </summary>
public static class PersonnelDigest
{
    /// <summary>Most buckets a request may ask for.</summary>
    public const int MaxBuckets = 65_536;

    /// <summary>Rows a bucket holds on average at the bucket count <see cref="BucketsFor"/> picks.</summary>
    public const int RowsPerBucket = 16;

    /// <summary>
    /// The row's hash: the first 8 bytes of SHA-256 over its id (8 bytes, big-endian) and each text
    /// field as a 4-byte big-endian length and its UTF-8 bytes, so no two different rows hash alike
    /// by a shift of characters between fields. A row with a validity window adds a byte telling
    /// which ends it has and each end as 8 bytes of Unix seconds; a row without one hashes as it
    /// did before windows existed, so a fleet's digests stay equal across the upgrade.
    /// </summary>
    public static ulong RowHash(PersonnelRecord row)
    {
        var windowed = row.ValidFrom is not null || row.ValidUntil is not null;
        var length =
            8
            + (3 * 4)
            + (windowed ? 17 : 0)
            + Encoding.UTF8.GetByteCount(row.Name)
            + Encoding.UTF8.GetByteCount(row.Surname)
            + Encoding.UTF8.GetByteCount(row.Ssn);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan(0, length);
            BinaryPrimitives.WriteInt64BigEndian(buffer, row.Id);
            var written = 8;
            foreach (var field in (ReadOnlySpan<string>)[row.Name, row.Surname, row.Ssn])
            {
                var bytes = Encoding.UTF8.GetBytes(field, buffer[(written + 4)..]);
                BinaryPrimitives.WriteInt32BigEndian(buffer[written..], bytes);
                written += 4 + bytes;
            }

            if (windowed)
            {
                buffer[written] = (byte)((row.ValidFrom is null ? 0 : 1) | (row.ValidUntil is null ? 0 : 2));
                var from = row.ValidFrom is { } f ? ValidityWindow.ToUnixSeconds(f) : 0;
                var until = row.ValidUntil is { } u ? ValidityWindow.ToUnixSeconds(u) : 0;
                BinaryPrimitives.WriteInt64BigEndian(buffer[(written + 1)..], from);
                BinaryPrimitives.WriteInt64BigEndian(buffer[(written + 9)..], until);
            }

            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer, hash);
            return BinaryPrimitives.ReadUInt64BigEndian(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The bucket of an id: its low bits, so consecutive ids spread evenly.</summary>
    public static int BucketOf(long id, int buckets) => (int)((ulong)id & (ulong)(buckets - 1));

    /// <summary>A bucket count for a table of about <paramref name="rows"/> rows: a power of two, about 16 rows a
    /// bucket.</summary>
    public static int BucketsFor(long rows) =>
        (int)Math.Min(MaxBuckets, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, rows / RowsPerBucket)));

    /// <summary>True for a power of two from 1 to <see cref="MaxBuckets"/>.</summary>
    public static bool IsValidBucketCount(int buckets) =>
        buckets is >= 1 and <= MaxBuckets && BitOperations.IsPow2(buckets);
}
