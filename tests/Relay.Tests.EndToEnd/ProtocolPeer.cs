using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Relay.Contracts.Protocol;

namespace Relay.Tests.EndToEnd;

/// <summary>A raw TCP peer of a client daemon, playing the server's side of the protocol (or an attacker's).</summary>
public sealed class ProtocolPeer : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    public static async Task<ProtocolPeer> ConnectAsync(int port)
    {
        var peer = new ProtocolPeer();
        await peer._socket.ConnectAsync("127.0.0.1", port);
        return peer;
    }

    /// <summary>Connects and completes the handshake with the given credential (the test daemon's by default), as the
    /// server does.</summary>
    public static async Task<ProtocolPeer> AuthenticatedAsync(int port, LinkCredential? credential = null)
    {
        var peer = await ConnectAsync(port);
        var hello = Assert.IsType<HelloFrame>(await peer.ReadAsync());
        var challenge = TransportAuth.NewChallenge();
        var welcome = Assert.IsType<WelcomeFrame>(
            await peer.ExchangeAsync(
                new AuthFrame(
                    challenge,
                    TransportAuth.ServerProof(credential ?? ClientDaemon.TestCredential, hello.Challenge, challenge)
                )
            )
        );
        Assert.True(
            TransportAuth.Matches(
                TransportAuth.ClientProof(credential ?? ClientDaemon.TestCredential, challenge, hello.Challenge),
                welcome.Proof
            ),
            "the client proves the secret too"
        );
        peer.Welcome = welcome;
        return peer;
    }

    /// <summary>The client's answer to the handshake, with what it says it applied last; null before it.</summary>
    public WelcomeFrame? Welcome { get; private set; }

    public Socket Socket => _socket;

    public async Task SendAsync(Frame frame) => await _socket.SendAsync(Encode(frame));

    public async Task SendRawAsync(byte[] bytes) => await _socket.SendAsync(bytes);

    public async Task<Frame> ExchangeAsync(Frame frame)
    {
        await SendAsync(frame);
        return await ReadAsync();
    }

    public async Task<Frame> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = await ReadExactlyAsync(4, timeout.Token);
        var payload = await ReadExactlyAsync(BinaryPrimitives.ReadInt32BigEndian(header), timeout.Token);
        return FrameCodec.Parse(new ReadOnlySequence<byte>(payload));
    }

    /// <summary>True when the daemon closes the connection within the time (after reading whatever it still
    /// sends).</summary>
    public async Task<bool> IsClosedByPeerWithinAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer, timeout.Token) > 0) { }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public static byte[] Encode(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Raw(byte[] payload)
    {
        var bytes = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, payload.Length);
        payload.CopyTo(bytes, 4);
        return bytes;
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await _socket.ReceiveAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                throw new IOException("The client closed the connection.");
            }

            read += n;
        }

        return buffer;
    }

    public void Dispose() => _socket.Dispose();
}
