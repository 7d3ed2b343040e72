using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Unit;

/// <summary>The one frame reader both ends use, over an in-memory pipe.</summary>
public sealed class FrameReaderTests
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(5);

    private readonly Pipe _pipe = new();
    private readonly FakeTimeProvider _time = new();

    private FrameReader Reader(int maxFrameBytes = 1024) => new(_pipe.Reader, maxFrameBytes, FrameTimeout, _time);

    [Fact]
    public async Task AFrameArrivingOneByteAtATimeIsReadOnceWhole()
    {
        var reader = Reader();
        var bytes = Encode(new AckFrame(42));

        var reading = reader.ReadAsync(CancellationToken.None);
        foreach (var b in bytes)
        {
            Assert.False(reading.IsCompleted);
            await _pipe.Writer.WriteAsync(new[] { b });
        }

        var incoming = await reading;
        Assert.Equal(42, Assert.IsType<AckFrame>(incoming.Frame).MessageId);
        Assert.Equal(bytes.Length, incoming.Bytes);
    }

    [Fact]
    public async Task SeveralFramesInOneWriteAreReadOneByOneAndAPartialOneIsNotReadAsAFrame()
    {
        var reader = Reader();
        await _pipe.Writer.WriteAsync(
            Encode(new AckFrame(1))
                .Concat(Encode(new AckFrame(2)))
                .Concat(Encode(new NackFrame(3, true, "bad")))
                .Concat(Encode(new AckFrame(4)).Take(3))
                .ToArray()
        );
        await _pipe.Writer.CompleteAsync();

        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(
                (await reader.ReadAsync(CancellationToken.None)).Frame switch
                {
                    AckFrame a => a.MessageId,
                    NackFrame n => n.MessageId,
                    _ => -1,
                }
            );
        }

        Assert.Equal([1L, 2L, 3L], ids);
        Assert.True((await reader.ReadAsync(CancellationToken.None)).Closed);
    }

    [Fact]
    public async Task AnUnreadableFrameIsReportedAndTheNextFrameIsStillRead()
    {
        var reader = Reader();
        var junk = "not json"u8.ToArray();
        await _pipe.Writer.WriteAsync(
            new byte[] { 0, 0, 0, (byte)junk.Length }
                .Concat(junk)
                .Concat(Encode(new AckFrame(7)))
                .ToArray()
        );

        var bad = await reader.ReadAsync(CancellationToken.None);
        var good = await reader.ReadAsync(CancellationToken.None);

        Assert.Null(bad.Frame);
        Assert.Contains("not a valid message", bad.Error);
        Assert.Equal(7, Assert.IsType<AckFrame>(good.Frame).MessageId);
    }

    [Fact]
    public async Task AFrameAboveTheLimitIsRefusedFromItsLengthAlone()
    {
        var reader = Reader(maxFrameBytes: 16);
        await _pipe.Writer.WriteAsync(new byte[] { 0, 0, 1, 0 });

        var refused = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadAsync(CancellationToken.None));

        Assert.Equal(ProtocolError.TooLarge, refused.Reason);
    }

    [Fact]
    public async Task AFrameThatStopsHalfwayFailsAfterTheFrameTimeout()
    {
        var reader = Reader();
        var bytes = Encode(new AckFrame(1));
        await _pipe.Writer.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));

        var reading = reader.ReadAsync(CancellationToken.None);
        _time.Advance(FrameTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(reading.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var stalled = await Assert.ThrowsAsync<ProtocolException>(() => reading);
        Assert.Equal(ProtocolError.Incomplete, stalled.Reason);
    }

    [Fact]
    public async Task AnIdleConnectionWaitsForItsNextFrameWithoutATimeout()
    {
        var reader = Reader();

        var reading = reader.ReadAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.False(reading.IsCompleted);
        await _pipe.Writer.WriteAsync(Encode(new AckFrame(3)));

        Assert.Equal(3, Assert.IsType<AckFrame>((await reading).Frame).MessageId);
    }

    private static byte[] Encode(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }
}
