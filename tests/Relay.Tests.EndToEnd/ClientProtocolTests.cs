using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;

namespace Relay.Tests.EndToEnd;

/// <summary>A running client daemon spoken to over a raw TCP socket, as the server would.</summary>
public sealed class ClientProtocolTests : IAsyncLifetime
{
    private readonly ClientDaemon _client = new("client", Path.Combine(Path.GetTempPath(), $"relay-proto-{Guid.NewGuid():N}"));

    public Task InitializeAsync() => _client.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task AMessageDeliveredTwiceIsAcknowledgedTwiceButAppliedOnce()
    {
        using var socket = await ConnectAsync();
        var save = new DeliverFrame(10, new MessageBody(MessageKind.Save, Personnel: [new PersonnelRecord(1, "Isaac", "Newton", "12345678900")]));
        var deleteAll = new DeliverFrame(11, new MessageBody(MessageKind.DeleteAll));

        Assert.Equal(new AckFrame(10), await ExchangeAsync(socket, save));
        Assert.Equal(new AckFrame(11), await ExchangeAsync(socket, deleteAll));
        Assert.Equal(new AckFrame(10, Duplicate: true), await ExchangeAsync(socket, save));

        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task AnInvalidMessageIsRefusedPermanentlyAndNothingOfItIsApplied()
    {
        using var socket = await ConnectAsync();
        var halfBad = new DeliverFrame(20, new MessageBody(MessageKind.Save, Personnel:
        [
            new PersonnelRecord(1, "Isaac", "Newton", "12345678900"),
            new PersonnelRecord(2, "Albert", "Einstein", "not-an-ssn"),
        ]));

        var reply = Assert.IsType<NackFrame>(await ExchangeAsync(socket, halfBad));

        Assert.True(reply.Permanent);
        Assert.Equal(20, reply.MessageId);
        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task GarbageGetsANackAndTheConnectionKeepsWorking()
    {
        using var socket = await ConnectAsync();
        await SendRawAsync(socket, Encoding.UTF8.GetBytes("{\"type\":\"deliver\",\"version\":1,\"messageId\":"));

        var nack = Assert.IsType<NackFrame>(await ReadAsync(socket));
        Assert.True(nack.Permanent);

        var save = new DeliverFrame(30, new MessageBody(MessageKind.Save, Personnel: [new PersonnelRecord(3, "Marie", "Curie", "11122233344")]));
        Assert.Equal(new AckFrame(30), await ExchangeAsync(socket, save));
        Assert.Equal(["11122233344"], await _client.ListedSsnsAsync());
    }

    [Fact]
    public async Task AnOversizeFrameClosesTheConnectionAndTheDaemonKeepsServing()
    {
        using (var socket = await ConnectAsync())
        {
            var header = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
            await socket.SendAsync(header);
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await socket.ReceiveAsync(buffer, timeout.Token));
        }

        using var again = await ConnectAsync();
        Assert.Equal(new AckFrame(40), await ExchangeAsync(again, new DeliverFrame(40, new MessageBody(MessageKind.DeleteAll))));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", _client.TcpPort);
        return socket;
    }

    private static async Task<Frame> ExchangeAsync(Socket socket, Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        await socket.SendAsync(writer.WrittenMemory);
        return await ReadAsync(socket);
    }

    private static async Task SendRawAsync(Socket socket, byte[] payload)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, payload.Length);
        await socket.SendAsync(header.Concat(payload).ToArray());
    }

    private static async Task<Frame> ReadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = await ReadExactlyAsync(socket, 4, timeout.Token);
        var payload = await ReadExactlyAsync(socket, BinaryPrimitives.ReadInt32BigEndian(header), timeout.Token);
        return FrameCodec.Parse(new ReadOnlySequence<byte>(payload));
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                throw new IOException("The client closed the connection.");
            }

            read += n;
        }

        return buffer;
    }
}
