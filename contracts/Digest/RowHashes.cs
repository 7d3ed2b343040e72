using System.Buffers.Binary;

namespace Relay.Contracts.Digest;

/// <summary>
/// The (id, hash) pairs of the rows in some buckets. On the wire: per row, an 8-byte big-endian id
/// then its 8-byte big-endian hash (16 bytes a row).
/// </summary>
public static class RowHashes
{
    /// <summary>Bytes per row on the wire.</summary>
    public const int BytesPerRow = 16;

    /// <summary>The wire form of the rows, in the order given.</summary>
    public static byte[] Encode(IReadOnlyList<(long Id, ulong Hash)> rows)
    {
        var bytes = new byte[rows.Count * BytesPerRow];
        for (var i = 0; i < rows.Count; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(i * BytesPerRow), rows[i].Id);
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan((i * BytesPerRow) + 8), rows[i].Hash);
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; null when the length is not a whole number of rows.</summary>
    public static Dictionary<long, ulong>? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % BytesPerRow != 0)
        {
            return null;
        }

        var rows = new Dictionary<long, ulong>(bytes.Length / BytesPerRow);
        for (var offset = 0; offset < bytes.Length; offset += BytesPerRow)
        {
            rows[BinaryPrimitives.ReadInt64BigEndian(bytes[offset..])] = BinaryPrimitives.ReadUInt64BigEndian(
                bytes[(offset + 8)..]
            );
        }

        return rows;
    }
}
