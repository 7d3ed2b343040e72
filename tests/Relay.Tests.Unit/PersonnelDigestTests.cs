using System.Buffers;
using Relay.Contracts.Digest;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Unit;

public sealed class PersonnelDigestTests
{
    private static readonly PersonnelRecord Ada = new(7, "Ada", "Lovelace", "12345678901");

    [Fact]
    public void EveryFieldCountsInARowsHashAndCharactersCannotMoveBetweenFields()
    {
        var hash = PersonnelDigest.RowHash(Ada);

        Assert.Equal(hash, PersonnelDigest.RowHash(Ada with { }));
        Assert.NotEqual(hash, PersonnelDigest.RowHash(Ada with { Id = 8 }));
        Assert.NotEqual(hash, PersonnelDigest.RowHash(Ada with { Name = "Adá" }));
        Assert.NotEqual(hash, PersonnelDigest.RowHash(Ada with { Surname = "Byron" }));
        Assert.NotEqual(hash, PersonnelDigest.RowHash(Ada with { Ssn = "12345678902" }));
        Assert.NotEqual(PersonnelDigest.RowHash(Ada with { Name = "AdaL", Surname = "ovelace" }), hash);
    }

    [Fact]
    public void ARowWithoutAWindowHashesAsBeforeWindowsSoAnUpgradedFleetIsNotDrift()
    {
        // The layout of earlier builds: id, then each text field as a length and its UTF-8 bytes.
        var bytes = new List<byte>(BigEndian(7));
        foreach (var field in (string[])["Ada", "Lovelace", "12345678901"])
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(field);
            bytes.AddRange(BigEndian(utf8.Length)[4..]);
            bytes.AddRange(utf8);
        }

        var earlier = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(
            System.Security.Cryptography.SHA256.HashData([.. bytes])
        );

        Assert.Equal(earlier, PersonnelDigest.RowHash(Ada));
    }

    [Fact]
    public void EachEndOfTheWindowCountsInTheHash()
    {
        var from = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var until = from.AddDays(30);
        var windowed = Ada with { ValidFrom = from, ValidUntil = until };

        Assert.Equal(PersonnelDigest.RowHash(windowed), PersonnelDigest.RowHash(windowed with { }));
        Assert.Distinct([
            PersonnelDigest.RowHash(Ada),
            PersonnelDigest.RowHash(windowed),
            PersonnelDigest.RowHash(windowed with { ValidFrom = null }),
            PersonnelDigest.RowHash(windowed with { ValidUntil = null }),
            PersonnelDigest.RowHash(windowed with { ValidUntil = until.AddSeconds(1) }),
            // The same instant as the start just above, as the end: which end it is counts.
            PersonnelDigest.RowHash(Ada with { ValidUntil = from }),
        ]);
    }

    [Fact]
    public void ALongNameHashesLikeAnyOther()
    {
        var longName = Ada with { Name = new string('ø', 2_000) };

        Assert.Equal(PersonnelDigest.RowHash(longName), PersonnelDigest.RowHash(longName with { }));
        Assert.NotEqual(
            PersonnelDigest.RowHash(longName),
            PersonnelDigest.RowHash(longName with { Name = new string('ø', 1_999) })
        );
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(16, 1)]
    [InlineData(2_000, 128)]
    [InlineData(100_000, 8_192)]
    [InlineData(100_000_000, 65_536)]
    public void TheBucketCountKeepsAboutSixteenRowsABucketUpToTheLimit(long rows, int buckets)
    {
        Assert.Equal(buckets, PersonnelDigest.BucketsFor(rows));
        Assert.True(PersonnelDigest.IsValidBucketCount(buckets));
    }

    [Fact]
    public void SummariesSurviveTheWireAndTellOnlyTheChangedBucketApart()
    {
        var rows = Enumerable.Range(1, 100).Select(i => new PersonnelRecord(i, $"N{i}", "S", $"{i:D11}")).ToList();
        var ours = Summarise(rows, 16);
        var changed = rows.Select(r => r.Id == 37 ? r with { Surname = "Changed" } : r).ToList();

        var theirs = BucketSummaries.Decode(Summarise(changed, 16).Encode(), 16)!;

        Assert.Equal(16 * BucketSummaries.BytesPerBucket, ours.Encode().Length);
        Assert.Equal([PersonnelDigest.BucketOf(37, 16)], Enumerable.Range(0, 16).Where(b => !ours.SameAs(theirs, b)));
        Assert.Null(BucketSummaries.Decode(new byte[15], 16));
        Assert.Null(BucketSummaries.Decode(new byte[12 * 3], 3));
    }

    [Fact]
    public void RowHashesSurviveTheWire()
    {
        var rows = new List<(long, ulong)> { (1, 0xFFFF_FFFF_FFFF_FFFF), (long.MaxValue, 42) };

        var decoded = RowHashes.Decode(RowHashes.Encode(rows))!;

        Assert.Equal(new Dictionary<long, ulong> { [1] = 0xFFFF_FFFF_FFFF_FFFF, [long.MaxValue] = 42 }, decoded);
        Assert.Null(RowHashes.Decode(new byte[17]));
    }

    [Fact]
    public void DigestFramesRoundTripWithTheirBytesAsBase64()
    {
        var reply = new DigestReplyFrame(3, BucketSummaries: [1, 2, 3]);

        var parsed = Assert.IsType<DigestReplyFrame>(RoundTrip(reply));
        var request = Assert.IsType<DigestRequestFrame>(RoundTrip(new DigestRequestFrame(8, [1, 5])));

        Assert.Equal(3L, parsed.Rows);
        Assert.Equal([1, 2, 3], parsed.BucketSummaries!);
        Assert.Equal(8, request.Buckets);
        Assert.Equal([1, 5], request.ListBuckets!);
    }

    private static BucketSummaries Summarise(IEnumerable<PersonnelRecord> rows, int buckets)
    {
        var summaries = new BucketSummaries(buckets);
        foreach (var row in rows)
        {
            summaries.Add(row.Id, PersonnelDigest.RowHash(row));
        }

        return summaries;
    }

    private static Frame RoundTrip(Frame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameCodec.Write(output, frame);
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.Equal(FrameReadStatus.Complete, FrameCodec.TryReadFrame(ref buffer, 1 << 20, out var payload));
        return FrameCodec.Parse(payload);
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
