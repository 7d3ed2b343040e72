using System.IO.Pipelines;

namespace Relay.Contracts.Protocol;

/// <summary>One thing read from a connection: a frame, a frame that could not be read (with why), or the end.</summary>
/// <param name="Frame">The frame, when it could be read.</param>
/// <param name="Error">Why a whole frame arrived but could not be read; the connection can go on.</param>
/// <param name="Closed">The peer closed the connection between frames.</param>
/// <param name="Bytes">The frame's size on the wire, length prefix included.</param>
public readonly record struct Incoming(Frame? Frame, string? Error, bool Closed, long Bytes = 0);

/// <summary>
/// Reads one frame at a time from a connection, for both ends of the protocol. An idle connection
/// may wait as long as it likes, but a frame that has begun to arrive must finish within
/// <paramref name="frameTimeout"/> (infinite to leave that to the caller), so a peer that trickles
/// bytes cannot hold the connection open. A frame above <paramref name="maxFrameBytes"/> is refused
/// from its length prefix alone.
/// </summary>
public sealed class FrameReader(PipeReader input, int maxFrameBytes, TimeSpan frameTimeout, TimeProvider? time = null)
{
    /// <summary>Reads the next frame.</summary>
    /// <exception cref="ProtocolException">The frame is too large, or did not arrive in full in time: the connection
    /// must be closed.</exception>
    public async Task<Incoming> ReadAsync(CancellationToken ct)
    {
        // Made only once a frame has begun: the clock's own source, linked with the caller's.
        CancellationTokenSource? clock = null;
        CancellationTokenSource? deadline = null;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(deadline?.Token ?? ct);
                var buffer = result.Buffer;
                switch (FrameCodec.TryReadFrame(ref buffer, maxFrameBytes, out var payload))
                {
                    case FrameReadStatus.Complete:
                        var bytes = FrameCodec.HeaderLength + payload.Length;
                        Incoming incoming;
                        try
                        {
                            incoming = new(FrameCodec.Parse(payload), null, false, bytes);
                        }
                        catch (ProtocolException e)
                        {
                            incoming = new(null, e.Message, false, bytes);
                        }

                        input.AdvanceTo(buffer.Start);
                        return incoming;
                    case FrameReadStatus.TooLarge:
                        input.AdvanceTo(buffer.Start);
                        throw new ProtocolException(ProtocolError.TooLarge, $"frame larger than {maxFrameBytes} bytes");
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return new(null, null, Closed: true);
                }

                if (deadline is null && !buffer.IsEmpty && frameTimeout != Timeout.InfiniteTimeSpan)
                {
                    clock = new CancellationTokenSource(frameTimeout, time ?? TimeProvider.System);
                    deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, clock.Token);
                }
            }
        }
        catch (OperationCanceledException) when (clock?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            throw new ProtocolException(
                ProtocolError.Incomplete,
                $"a frame did not arrive in full within {frameTimeout.TotalSeconds:0.#} s"
            );
        }
        finally
        {
            deadline?.Dispose();
            clock?.Dispose();
        }
    }
}
