using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Relay.Client.Storage;
using Relay.Contracts.Protocol;

namespace Relay.Client.Inbox;

/// <summary>
/// One TCP connection from the server: read a frame, apply it, answer ACK or NACK, in order.
/// The answer goes out only after the SQLite transaction committed.
/// </summary>
internal sealed class InboxConnectionHandler(
    PersonnelStore store,
    IOptions<ClientOptions> options,
    ILogger<InboxConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var id = connection.ConnectionId;
        var ct = connection.ConnectionClosed;

        // On shutdown Kestrel asks connections to close: stop reading new frames at once, but let
        // a frame already being applied finish and be acknowledged.
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct, closing);
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        InboxLog.Connected(logger, id, connection.RemoteEndPoint?.ToString());
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(stopReading.Token);
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        var status = FrameCodec.TryReadFrame(ref buffer, options.Value.MaxFrameBytes, out var payload);
                        if (status == FrameReadStatus.TooLarge)
                        {
                            InboxLog.Closing(logger, id, $"frame larger than {options.Value.MaxFrameBytes} bytes");
                            return;
                        }

                        if (status == FrameReadStatus.Incomplete)
                        {
                            break;
                        }

                        FrameCodec.Write(output, await HandleAsync(id, payload, ct));
                    }

                    await output.FlushAsync(ct);
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The peer went away or the daemon is stopping.
        }
        catch (ConnectionResetException)
        {
        }
        finally
        {
            InboxLog.Disconnected(logger, id);
        }
    }

    private async Task<Frame> HandleAsync(string connectionId, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        Frame frame;
        try
        {
            frame = FrameCodec.Parse(payload);
        }
        catch (ProtocolException e)
        {
            return Refuse(0, connectionId, e.Message);
        }

        if (frame is not DeliverFrame deliver)
        {
            return Refuse(0, connectionId, $"A client only accepts deliver frames, not {frame.GetType().Name}.");
        }

        if (MessageValidator.Validate(deliver) is { } invalid)
        {
            return Refuse(deliver.MessageId, connectionId, invalid);
        }

        try
        {
            var outcome = await store.ApplyAsync(deliver.MessageId, deliver.Body, ct);
            switch (outcome.Result)
            {
                case ApplyResult.Refused:
                    return Refuse(deliver.MessageId, connectionId, outcome.Reason!);
                case ApplyResult.Duplicate:
                    InboxLog.Duplicate(logger, deliver.MessageId);
                    break;
                default:
                    InboxLog.Applied(logger, deliver.MessageId, deliver.Body.Kind.ToString(), deliver.Body.ItemCount);
                    break;
            }

            return new AckFrame(deliver.MessageId, outcome.Result == ApplyResult.Duplicate);
        }
        catch (SqliteException e)
        {
            // The store's fault, not the message's: the transaction rolled back and a retry may succeed.
            InboxLog.ApplyFailed(logger, e, deliver.MessageId);
            return new NackFrame(deliver.MessageId, Permanent: false, $"SQLite error {e.SqliteErrorCode}.");
        }
    }

    private NackFrame Refuse(long messageId, string connectionId, string reason)
    {
        InboxLog.Refused(logger, messageId, connectionId, reason);
        return new NackFrame(messageId, Permanent: true, reason);
    }
}
