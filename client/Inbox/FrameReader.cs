using System.IO.Pipelines;
using Relay.Contracts.Protocol;

namespace Relay.Client.Inbox;

/// <summary>One thing read from the connection: a frame, an unreadable frame (with why), or the end.</summary>
internal readonly record struct Incoming(Frame? Frame, string? Error, bool Closed);

/// <summary>
/// Reads one frame at a time from a connection. An idle connection may wait as long as it likes,
/// but a frame that has begun to arrive must finish within the frame timeout, so a peer that
/// trickles bytes cannot hold the connection open.
/// </summary>
internal sealed class FrameReader(PipeReader input, int maxFrameBytes, TimeSpan frameTimeout)
{
    public async Task<Incoming> ReadAsync(CancellationToken ct)
    {
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
                        Incoming incoming;
                        try
                        {
                            incoming = new(FrameCodec.Parse(payload), null, false);
                        }
                        catch (ProtocolException e)
                        {
                            incoming = new(null, e.Message, false);
                        }

                        input.AdvanceTo(buffer.Start);
                        return incoming;
                    case FrameReadStatus.TooLarge:
                        input.AdvanceTo(buffer.Start);
                        throw new ProtocolException($"frame larger than {maxFrameBytes} bytes");
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return new(null, null, Closed: true);
                }

                if (deadline is null && !buffer.IsEmpty)
                {
                    deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    deadline.CancelAfter(frameTimeout);
                }
            }
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !ct.IsCancellationRequested)
        {
            throw new ProtocolException($"a frame did not arrive in full within {frameTimeout.TotalSeconds:0.#} s");
        }
        finally
        {
            deadline?.Dispose();
        }
    }
}
