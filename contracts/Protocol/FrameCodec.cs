using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace Relay.Contracts.Protocol;

/// <summary>The outcome of looking for one frame in buffered bytes.</summary>
public enum FrameReadStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole frame was found and consumed.</summary>
    Complete,

    /// <summary>The length prefix announces a payload above the limit; the connection must be closed.</summary>
    TooLarge,
}

/// <summary>
/// Length-prefixed framing: a 4-byte big-endian payload length, then that many bytes of UTF-8 JSON.
/// Pure functions over buffers so that split and merged reads are easy to test.
/// </summary>
public static class FrameCodec
{
    /// <summary>Size of the length prefix.</summary>
    public const int HeaderLength = 4;

    /// <summary>Default limit on a payload: large enough for a batch of 1,000 personnel with room to spare.</summary>
    public const int DefaultMaxPayloadBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Takes one frame from the front of <paramref name="buffer"/> when it is all there. The length is
    /// checked against <paramref name="maxPayloadBytes"/> before anything is copied or allocated.
    /// </summary>
    public static FrameReadStatus TryReadFrame(
        ref ReadOnlySequence<byte> buffer,
        int maxPayloadBytes,
        out ReadOnlySequence<byte> payload
    )
    {
        payload = default;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out int length))
        {
            return FrameReadStatus.Incomplete;
        }

        if (length < 0 || length > maxPayloadBytes)
        {
            return FrameReadStatus.TooLarge;
        }

        if (reader.Remaining < length)
        {
            return FrameReadStatus.Incomplete;
        }

        payload = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(payload.End);
        return FrameReadStatus.Complete;
    }

    /// <summary>Reads the JSON of one payload; anything unreadable becomes a <see cref="ProtocolException"/>.</summary>
    public static Frame Parse(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            var frame = JsonSerializer.Deserialize(ref reader, RelayJsonContext.Default.Frame)
                ?? throw new ProtocolException(ProtocolError.Malformed, "The frame is JSON null.");
            if (frame.Version != ProtocolVersion.Current)
            {
                throw new ProtocolException(
                    ProtocolError.Malformed,
                    $"Protocol version {frame.Version} is not supported; this build speaks {ProtocolVersion.Current}."
                );
            }

            return frame;
        }
        catch (JsonException e)
        {
            throw new ProtocolException(ProtocolError.Malformed, $"The frame is not a valid message: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            // Raised for a missing or misplaced "type" discriminator.
            throw new ProtocolException(ProtocolError.Malformed, $"The frame has no readable type: {e.Message}", e);
        }
    }

    /// <summary>What follows the body of a deliver frame started with <see cref="WriteDeliverStart"/>.</summary>
    public static ReadOnlySpan<byte> DeliverEnd => "}"u8;

    /// <summary>
    /// Writes a deliver frame around a body that is already JSON (the payload as the server stored
    /// it), so the sender does not parse and re-serialise every message.
    /// </summary>
    public static void WriteDeliver(
        IBufferWriter<byte> output,
        long messageId,
        string messageUid,
        ReadOnlySpan<byte> bodyJson,
        string? traceParent = null
    )
    {
        // One contiguous span for the whole frame: one buffer, sent in one piece.
        var envelope = DeliverEnvelope(messageId, messageUid, traceParent);
        var length = envelope.WrittenCount + bodyJson.Length + DeliverEnd.Length;
        var frame = output.GetSpan(HeaderLength + length);
        BinaryPrimitives.WriteInt32BigEndian(frame, length);
        envelope.WrittenSpan.CopyTo(frame[HeaderLength..]);
        bodyJson.CopyTo(frame[(HeaderLength + envelope.WrittenCount)..]);
        DeliverEnd.CopyTo(frame[(HeaderLength + envelope.WrittenCount + bodyJson.Length)..]);
        output.Advance(HeaderLength + length);
    }

    /// <summary>
    /// Writes the start of a deliver frame whose body of <paramref name="bodyLength"/> bytes the
    /// caller sends itself, then <see cref="DeliverEnd"/>: a large body shared by thousands of
    /// clients goes to each socket from the one buffer, never copied per client.
    /// </summary>
    public static void WriteDeliverStart(
        IBufferWriter<byte> output,
        long messageId,
        string messageUid,
        int bodyLength,
        string? traceParent = null
    )
    {
        var envelope = DeliverEnvelope(messageId, messageUid, traceParent);
        var start = output.GetSpan(HeaderLength + envelope.WrittenCount);
        BinaryPrimitives.WriteInt32BigEndian(start, envelope.WrittenCount + bodyLength + DeliverEnd.Length);
        envelope.WrittenSpan.CopyTo(start[HeaderLength..]);
        output.Advance(HeaderLength + envelope.WrittenCount);
    }

    private static ArrayBufferWriter<byte> DeliverEnvelope(long messageId, string messageUid, string? traceParent)
    {
        var envelope = new ArrayBufferWriter<byte>(160);
        using var writer = new Utf8JsonWriter(envelope);
        writer.WriteStartObject();
        writer.WriteString("type", "deliver");
        writer.WriteNumber("version", ProtocolVersion.Current);
        writer.WriteNumber("messageId", messageId);
        writer.WriteString("messageUid", messageUid);
        if (traceParent is not null)
        {
            writer.WriteString("traceparent", traceParent);
        }

        writer.WritePropertyName("body");
        writer.Flush();
        return envelope;
    }

    /// <summary>Writes one frame: length prefix, then its JSON. Returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, Frame frame)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(frame, RelayJsonContext.Default.Frame);
        var header = output.GetSpan(HeaderLength);
        BinaryPrimitives.WriteInt32BigEndian(header, json.Length);
        output.Advance(HeaderLength);
        output.Write(json);
        return HeaderLength + json.Length;
    }
}
