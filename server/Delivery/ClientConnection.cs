using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Contracts.Protocol;
using Relay.Server.Credentials;
using Relay.Server.Observability;
using Relay.Server.Outbox;
using Relay.Server.Queue;

namespace Relay.Server.Delivery;

/// <summary>
/// The persistent TCP connection to one client daemon. It is opened on first use, reused for every
/// message, and dropped on any error so the next attempt starts from a clean connection. An
/// exchange fails when the client makes no progress for <paramref name="attemptTimeout"/> (see <see
/// cref="ProgressDeadline"/>).
/// <paramref name="opened"/> hears, at each new connection, the id and uid of the last message the client says it
/// applied.
/// </summary>
internal sealed class ClientConnection(
    long clientId,
    int maxFrameBytes,
    ClientCredentials credentials,
    TlsSettings? tls,
    TimeSpan keepAlive,
    TimeSpan attemptTimeout,
    TimeProvider time,
    Func<(long? Id, string? Uid), CancellationToken, Task>? opened = null
) : IAsyncDisposable
{
    /// <summary>Bodies from this size on are sent from their own buffer.</summary>
    private const int LargeBody = 16 * 1024;

    /// <summary>A large body is written in parts of this size, each one progress.</summary>
    private const int BodyPart = 64 * 1024;

    private Socket? _socket;
    private Stream? _stream;
    private PipeReader? _reader;
    private FrameReader? _frames;
    private PipeWriter? _writer;

    // What the client takes beyond the frames every client knows: asked at each connection.
    private bool _acceptsTraceParent;
    private volatile bool _acceptsOvertaking;
    private volatile bool _acceptsValidity;
    private (string Host, int Port) _endpoint;

    // The credential the open link stands on; read by CredentialWatch from its own thread.
    private volatile LinkStanding? _standing;

    public long ClientId => clientId;

    /// <summary>True when the open link's client keeps tombstones, so its deletions may be sent ahead of its queue
    /// (<see cref="Features.Overtaking"/>); false while nothing is open.</summary>
    public bool AcceptsOvertaking => _acceptsOvertaking && _socket is not null;

    /// <summary>True when the open link's client keeps validity windows and leaves expired rows out of a digest when
    /// asked (<see cref="Features.Validity"/>); false while nothing is open.</summary>
    public bool AcceptsValidity => _acceptsValidity && _socket is not null;

    /// <summary>
    /// Sends a window of messages in one write and returns the client's answers, in order. The
    /// client applies them one after another; after a refusal it may retry it closes the
    /// connection, so no later message can overtake the refused one.
    /// </summary>
    public Task<IReadOnlyList<Frame>> ExchangeAsync(
        string host,
        int port,
        IReadOnlyList<PendingMessage> messages,
        CancellationToken ct
    ) => AttemptAsync(ct, deadline => ExchangeAsync(host, port, messages, deadline));

    /// <summary>
    /// Sends one request that the client answers at once without applying anything (a digest
    /// request) and returns its answer, with the bytes both ways.
    /// </summary>
    public Task<(Frame Reply, long Bytes)> RequestAsync(string host, int port, Frame request, CancellationToken ct) =>
        AttemptAsync(ct, async deadline =>
        {
            await EnsureOpenAsync(host, port, deadline);
            var sent = FrameCodec.Write(_writer!, request);
            await FlushAsync(deadline);
            var (reply, received) = await ReadAsync(deadline);
            return (reply, sent + received);
        });

    private async Task<IReadOnlyList<Frame>> ExchangeAsync(
        string host,
        int port,
        IReadOnlyList<PendingMessage> messages,
        ProgressDeadline deadline
    )
    {
        await EnsureOpenAsync(host, port, deadline);
        var spans = new DeliverySpans(clientId, messages);
        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                var traceParent = _acceptsTraceParent ? spans.TraceParentOf(i) : null;
                if (message.Payload.Length < LargeBody)
                {
                    FrameCodec.WriteDeliver(_writer!, message.Id, message.Uid, message.Payload.Span, traceParent);
                    continue;
                }

                // A large body (a batch, the same array for every client it goes to) is written
                // from where it is, not copied into a buffer per connection.
                FrameCodec.WriteDeliverStart(_writer!, message.Id, message.Uid, message.Payload.Length, traceParent);
                await FlushAsync(deadline);
                for (var offset = 0; offset < message.Payload.Length; offset += BodyPart)
                {
                    await _stream!.WriteAsync(
                        message.Payload.Slice(offset, Math.Min(BodyPart, message.Payload.Length - offset)),
                        deadline.Token
                    );
                    deadline.Progressed();
                }

                _writer!.Write(FrameCodec.DeliverEnd);
            }

            await FlushAsync(deadline);
            var replies = new List<Frame>(messages.Count);
            foreach (var message in messages)
            {
                var (reply, _) = await ReadAsync(deadline);
                var repliedTo = reply switch
                {
                    AckFrame a => a.MessageId,
                    NackFrame n => n.MessageId,
                    _ => throw new ProtocolException(
                        ProtocolError.OutOfTurn,
                        $"The client answered with a {reply.GetType().Name}."
                    ),
                };
                if (repliedTo != message.Id && repliedTo != 0)
                {
                    throw new ProtocolException(
                        ProtocolError.OutOfTurn,
                        $"The client answered message {repliedTo} while {message.Id} was next."
                    );
                }

                spans.Answered(replies.Count, reply);
                replies.Add(reply);
                if (reply is NackFrame { Permanent: false })
                {
                    await CloseAsync();
                    break;
                }
            }

            return replies;
        }
        catch (Exception e)
        {
            spans.Failed(e);
            throw;
        }
        finally
        {
            spans.Dispose();
        }
    }

    /// <summary>Opens the connection (handshake included) unless it is already open to that address.</summary>
    public async Task OpenIfClosedAsync(string host, int port, CancellationToken ct)
    {
        try
        {
            if (!IsOpenTo(host, port))
            {
                await OpenAsync(host, port, ct);
            }
        }
        catch
        {
            await CloseAsync();
            throw;
        }
    }

    public bool IsOpenTo(string host, int port) => _socket is not null && _endpoint == (host, port);

    public bool IsOpen => _socket is not null;

    /// <summary>
    /// Between exchanges the client sends nothing, so a socket with something to read is ending:
    /// the client closed it or died, or TCP keep-alive gave up on it. Only for an idle connection.
    /// </summary>
    public LinkProbe Probe()
    {
        if (_socket is null)
        {
            return LinkProbe.Closed;
        }

        try
        {
            if (!_socket.Poll(0, SelectMode.SelectRead))
            {
                return LinkProbe.Open;
            }

            // Bytes waiting (a TLS record the client sent after its handshake) are no loss; end of stream or an error
            // is.
            return _socket.Available > 0 ? LinkProbe.Unexpected : LinkProbe.Lost;
        }
        catch (SocketException)
        {
            return LinkProbe.Lost;
        }
    }

    /// <summary>
    /// Asks the idle client whether it is there: true when it answered within the attempt timeout (a pong; a client
    /// of an earlier build answers a nack, which says as much). Otherwise the connection is closed, for the link
    /// watch to open again or find lost.
    /// </summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        if (_socket is null)
        {
            return false;
        }

        try
        {
            return await AttemptAsync(ct, async deadline =>
            {
                FrameCodec.Write(_writer!, new PingFrame());
                await FlushAsync(deadline);
                var (answer, _) = await ReadAsync(deadline);
                return answer is PongFrame or NackFrame { MessageId: 0 } ? true : throw UnexpectedAnswer(answer);
            });
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static ProtocolException UnexpectedAnswer(Frame answer) =>
        new(ProtocolError.OutOfTurn, $"The client answered a ping with {answer.GetType().Name}.");

    /// <summary>One attempt under a progress deadline; any failure drops the connection, so the next attempt starts
    /// clean.</summary>
    private async Task<T> AttemptAsync<T>(CancellationToken ct, Func<ProgressDeadline, Task<T>> attempt)
    {
        using var deadline = new ProgressDeadline(attemptTimeout, time, ct);
        try
        {
            return await attempt(deadline);
        }
        catch (OperationCanceledException) when (deadline.Stalled)
        {
            await CloseAsync();
            throw deadline.Error();
        }
        catch
        {
            await CloseAsync();
            throw;
        }
    }

    private async Task EnsureOpenAsync(string host, int port, ProgressDeadline deadline)
    {
        if (!IsOpenTo(host, port))
        {
            await OpenAsync(host, port, deadline.Token);
            deadline.Progressed();
        }
    }

    private async Task FlushAsync(ProgressDeadline deadline)
    {
        await _writer!.FlushAsync(deadline.Token);
        deadline.Progressed();
    }

    private async Task<(Frame Frame, long Bytes)> ReadAsync(ProgressDeadline deadline)
    {
        var read = await ReadAsync(deadline.Token);
        deadline.Progressed();
        return read;
    }

    private async Task OpenAsync(string host, int port, CancellationToken ct)
    {
        await CloseAsync();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (keepAlive > TimeSpan.Zero)
            {
                // An idle connection to a client cut off by the network would otherwise look open for hours.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(
                    SocketOptionLevel.Tcp,
                    SocketOptionName.TcpKeepAliveTime,
                    Math.Max(1, (int)keepAlive.TotalSeconds)
                );
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            }

            await socket.ConnectAsync(host, port, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tls is not null)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(tls.OptionsFor(host), ct);
            stream = ssl;
        }

        (_acceptsTraceParent, _acceptsOvertaking, _acceptsValidity) = (false, false, false);
        _socket = socket;
        _stream = stream;
        // Thousands of connections at once: small buffers (answers are a few hundred bytes, a frame
        // to send asks for its own size), and none held while waiting for the client to answer.
        _reader = PipeReader.Create(
            stream,
            new StreamPipeReaderOptions(bufferSize: 1024, minimumReadSize: 256, useZeroByteReads: true)
        );
        _frames = new FrameReader(_reader, maxFrameBytes, Timeout.InfiniteTimeSpan);
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 1024));
        _endpoint = (host, port);
        var result = await ServerHandshake.RunAsync(clientId, credentials, _writer, ReadFrameAsync, ct);
        _standing = new LinkStanding(socket, result.Generation, result.Validity);
        var accepts = await FeaturesAsync(ct);
        _acceptsTraceParent = RelayTracing.Source.HasListeners() && accepts.Contains(Features.TraceParent);
        _acceptsOvertaking = accepts.Contains(Features.Overtaking);
        _acceptsValidity = accepts.Contains(Features.Validity);
        if (opened is not null)
        {
            await opened((result.LastAppliedId, result.LastAppliedUid), ct);
        }
    }

    /// <summary>
    /// Judges the open link's credential again (its client's credentials changed, or time passed);
    /// when it no longer works the link is cut at once, whatever the worker is doing with it: its
    /// next read or write fails, and the reconnect is refused at the handshake. Returns why it was
    /// cut, or null when it stands (or nothing is open).
    /// </summary>
    public string? Revalidate(CredentialValidity? changed, DateTime now)
    {
        if (_standing is not { } standing)
        {
            return null;
        }

        if (changed is not null)
        {
            standing = standing with { Validity = changed };
            _standing = standing;
        }

        if (standing.Validity.Refusal(standing.Generation, now) is not { } refusal)
        {
            return null;
        }

        _standing = null;
        try
        {
            // Shutdown, not Dispose: the worker may be inside a read or a write on this socket, and owns closing it.
            standing.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        return refusal;
    }

    private async Task<Frame> ReadFrameAsync(CancellationToken ct) => (await ReadAsync(ct)).Frame;

    /// <summary>Asks the client which optional fields it takes; one of an earlier build answers a nack: none.</summary>
    private async Task<IReadOnlyList<string>> FeaturesAsync(CancellationToken ct)
    {
        FrameCodec.Write(_writer!, new FeaturesFrame());
        await _writer!.FlushAsync(ct);
        return await ReadFrameAsync(ct) switch
        {
            FeaturesReplyFrame reply => reply.Accepts,
            NackFrame { MessageId: 0 } => [],
            var other => throw new ProtocolException(
                ProtocolError.OutOfTurn,
                $"The client answered a features frame with {other.GetType().Name}."
            ),
        };
    }

    private async Task<(Frame Frame, long Bytes)> ReadAsync(CancellationToken ct)
    {
        // No frame timeout of its own: the attempt's progress deadline covers a frame that trickles in.
        var incoming = await _frames!.ReadAsync(ct);
        if (incoming.Closed)
        {
            throw new IOException("The client closed the connection before answering.");
        }

        return (
            incoming.Frame
                ?? throw new ProtocolException(
                    ProtocolError.Malformed,
                    $"The client sent an unreadable frame: {incoming.Error}"
                ),
            incoming.Bytes
        );
    }

    public async Task CloseAsync()
    {
        if (_socket is null)
        {
            return;
        }

        // The socket goes first: completing a writer over a broken stream would try to flush it.
        _standing = null;
        _socket.Dispose();
        await _reader!.CompleteAsync();
        try
        {
            await _writer!.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // Unsent bytes are lost on purpose: the message is redelivered on a new connection.
        }

        _socket = null;
        _stream = null;
        _reader = null;
        _frames = null;
        _writer = null;
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private sealed record LinkStanding(Socket Socket, int Generation, CredentialValidity Validity);
}
