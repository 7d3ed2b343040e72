using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Unit;

public sealed class FrameCodecTests
{
    private static readonly DeliverFrame Save = new(
        42,
        DeliverFrame.NewUid(),
        new MessageBody(MessageKind.Save, Personnel: [new PersonnelRecord(7, "Ada", "Lovelace", "12345678901")])
    );

    [Fact]
    public void AFrameWrittenThenReadComesBackEqual()
    {
        var bytes = Encode(Save);

        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameReadStatus.Complete, FrameCodec.TryReadFrame(ref buffer, 1024, out var payload));
        var frame = Assert.IsType<DeliverFrame>(FrameCodec.Parse(payload));

        Assert.Equal(Save.MessageId, frame.MessageId);
        Assert.Equal(Save.MessageUid, frame.MessageUid);
        Assert.Equal(Save.Body.Personnel, frame.Body.Personnel);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TheSendersStoredPayloadWriterProducesTheSameFrameAsTheSerializer()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameCodec.WriteDeliver(
            output,
            Save.MessageId,
            Save.MessageUid,
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Save.Body, RelayJsonContext.Default.MessageBody)
        );

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.Equal(FrameReadStatus.Complete, FrameCodec.TryReadFrame(ref buffer, 1024, out var payload));
        var frame = Assert.IsType<DeliverFrame>(FrameCodec.Parse(payload));

        Assert.Equal(
            (Save.MessageId, Save.MessageUid, Save.Body.Kind),
            (frame.MessageId, frame.MessageUid, frame.Body.Kind)
        );
        Assert.Equal(Save.Body.Personnel, frame.Body.Personnel);
    }

    [Fact]
    public void AFrameWhoseBodyIsSentApartReadsAsTheSameFrame()
    {
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            Save.Body,
            RelayJsonContext.Default.MessageBody
        );
        var whole = new ArrayBufferWriter<byte>();
        FrameCodec.WriteDeliver(whole, Save.MessageId, Save.MessageUid, body);

        var apart = new ArrayBufferWriter<byte>();
        FrameCodec.WriteDeliverStart(apart, Save.MessageId, Save.MessageUid, body.Length);
        apart.Write(body);
        apart.Write(FrameCodec.DeliverEnd);

        Assert.Equal(whole.WrittenSpan.ToArray(), apart.WrittenSpan.ToArray());
    }

    [Fact]
    public void ATraceParentWrittenWithAStoredPayloadIsReadBackAndIsNamedAsW3cNamesIt()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            Save.Body,
            RelayJsonContext.Default.MessageBody
        );
        var whole = new ArrayBufferWriter<byte>();
        FrameCodec.WriteDeliver(whole, Save.MessageId, Save.MessageUid, body, traceParent);
        var apart = new ArrayBufferWriter<byte>();
        FrameCodec.WriteDeliverStart(apart, Save.MessageId, Save.MessageUid, body.Length, traceParent);
        apart.Write(body);
        apart.Write(FrameCodec.DeliverEnd);

        Assert.Equal(whole.WrittenSpan.ToArray(), apart.WrittenSpan.ToArray());
        Assert.Contains($"\"traceparent\":\"{traceParent}\"", Encoding.UTF8.GetString(whole.WrittenSpan[4..]));
        var buffer = new ReadOnlySequence<byte>(whole.WrittenMemory);
        Assert.Equal(FrameReadStatus.Complete, FrameCodec.TryReadFrame(ref buffer, 1024, out var payload));
        Assert.Equal(traceParent, Assert.IsType<DeliverFrame>(FrameCodec.Parse(payload)).TraceParent);

        // Without one the frame is as before, which a client of an earlier build reads.
        var plain = new ArrayBufferWriter<byte>();
        FrameCodec.WriteDeliver(plain, Save.MessageId, Save.MessageUid, body);
        Assert.DoesNotContain("traceparent", Encoding.UTF8.GetString(plain.WrittenSpan[4..]));
    }

    [Fact]
    public void ADeliverFrameWithoutAUidIsRefused()
    {
        var json = Encoding.UTF8.GetBytes(
            """{"type":"deliver","version":3,"messageId":1,"body":{"kind":"deleteAll"}}"""
        );

        Assert.Throws<ProtocolException>(() => FrameCodec.Parse(new ReadOnlySequence<byte>(json)));
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    public void ALengthAboveTheLimitIsRefusedFromTheHeaderAlone(int announced)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, announced);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Equal(FrameReadStatus.TooLarge, FrameCodec.TryReadFrame(ref buffer, 1024, out _));
    }

    [Fact]
    public void AnIncompleteHeaderConsumesNothing()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0 });

        Assert.Equal(FrameReadStatus.Incomplete, FrameCodec.TryReadFrame(ref buffer, 1024, out _));
        Assert.Equal(2, buffer.Length);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("""{"type":"explode","version":1}""")]
    [InlineData("""{"type":"ack","version":99,"messageId":1}""")]
    [InlineData("""{"type":"deliver","version":1,"messageId":1,"body":{"kind":"deleteAll"}}""")]
    [InlineData("""{"type":"ack","version":2,"messageId":1,"duplicate":false}""")]
    [InlineData("""{"type":"digestRequest","version":3,"buckets":8,"listBuckets":"all"}""")]
    [InlineData("""{"type":"digestReply","version":3,"rows":1,"bucketSummaries":"not base64!"}""")]
    [InlineData("""{"type":"ack","version":3,"messageId":"one"}""")]
    [InlineData("""{"type":"ack","version":3,"messageId":1,"extra":true}""")]
    [InlineData(
        """{"type":"deliver","version":3,"messageId":1,"messageUid":"0123456789abcdef0123456789abcdef","body":{"kind":"save","personnel":[{"id":1,"name":null,"surname":"x","ssn":"12345678901"}]}}"""
    )]
    [InlineData(
        """{"type":"deliver","version":3,"messageId":1,"messageUid":"0123456789abcdef0123456789abcdef","body":{"kind":"obliterate"}}"""
    )]
    [InlineData("""{"type":"deliver","version":3,"messageId":1,"messageUid":"0123456789abcdef0123456789abcdef"}""")]
    public void AnUnreadablePayloadIsAProtocolError(string json)
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));

        Assert.Throws<ProtocolException>(() => FrameCodec.Parse(payload));
    }

    private static byte[] Encode(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }
}
