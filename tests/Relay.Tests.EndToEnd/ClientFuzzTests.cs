using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Thousands of hostile or broken inputs against a running client daemon's TCP listener, from a
/// peer without the secret. Afterwards the daemon still serves, its SQLite file holds exactly
/// what it held before, and its memory has not ballooned.
/// </summary>
public sealed class ClientFuzzTests : IAsyncLifetime
{
    private const int Frames = 10_000;

    // Ten thousand failed handshakes from one address would brake it (ClientAccessTests): here the frames themselves
    // are under test.
    private readonly ClientDaemon _client = ClientDaemon.Alone(
        "fuzz",
        new Dictionary<string, string> { ["Client:FailedAttemptsAllowed"] = "1000000" }
    );

    public Task InitializeAsync() => _client.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task TenThousandHostileFramesChangeNothingAndTheDaemonKeepsServing()
    {
        using (var legit = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort))
        {
            var save = new DeliverFrame(
                1,
                MessageUids.For(1),
                new MessageBody(MessageKind.Save, Personnel: [new PersonnelRecord(1, "Isaac", "Newton", "12345678900")])
            );
            Assert.Equal(new AckFrame(1), await legit.ExchangeAsync(save));
        }

        var before = await SnapshotAsync();
        var memoryBefore = _client.Process!.ResidentBytes();
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var cases = Enumerable.Range(0, Frames).Select(i => Generate(random, i)).ToList();

        // Eight peers at a time, each on its own connection, as the daemon closes a peer that fails the handshake.
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(
            cases.Select(async bytes =>
            {
                await gate.WaitAsync();
                try
                {
                    await SendAndHangUpAsync(bytes);
                }
                finally
                {
                    gate.Release();
                }
            })
        );

        Assert.Equal(before, await SnapshotAsync());
        using (var legit = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort))
        {
            Assert.Equal(
                new AckFrame(2, Duplicate: false),
                await legit.ExchangeAsync(
                    new DeliverFrame(2, MessageUids.For(2), new MessageBody(MessageKind.Delete, PersonnelIds: [99]))
                )
            );
        }

        Assert.Equal(["12345678900"], await _client.ListedSsnsAsync());
        var grown = _client.Process.ResidentBytes() - memoryBefore;
        Assert.True(grown < 100 * 1024 * 1024, $"memory grew by {grown / 1024 / 1024} MiB (seed {seed})");
    }

    private async Task SendAndHangUpAsync(byte[] bytes)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", _client.TcpPort);
        try
        {
            await socket.SendAsync(bytes);
            socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var sink = new byte[1024];
            while (await socket.ReceiveAsync(sink, timeout.Token) > 0) { }
        }
        catch (SocketException)
        {
            // The daemon may close before reading everything; that is one of the right answers.
        }
    }

    private static byte[] Generate(Random random, int i)
    {
        var valid = ProtocolPeer.Encode(
            new DeliverFrame(1000 + i, MessageUids.For(1000 + i), new MessageBody(MessageKind.DeleteAll))
        );
        var auth = ProtocolPeer.Encode(
            new AuthFrame(TransportAuth.NewChallenge(), Convert.ToBase64String(RandomBytes(random, 32)))
        );
        switch (i % 6)
        {
            case 0:
                return RandomBytes(random, random.Next(1, 512));
            case 1:
                return valid[..random.Next(1, valid.Length)];
            case 2:
                var mutated = (byte[])valid.Clone();
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                }

                return mutated;
            case 3:
                var huge = new byte[4 + 16];
                BinaryPrimitives.WriteInt32BigEndian(
                    huge,
                    random.Next(FrameCodec.DefaultMaxPayloadBytes + 1, int.MaxValue)
                );
                return huge;
            case 4:
                return valid;
            default:
                // A forged handshake followed by the message it hopes to smuggle in.
                return
                [
                    .. auth,
                    .. valid,
                    .. ProtocolPeer.Raw(
                        Encoding.UTF8.GetBytes("{\"type\":\"welcome\",\"version\":1,\"proof\":\"AAAA\"}")
                    ),
                ];
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private async Task<string> SnapshotAsync()
    {
        await using var connection = new SqliteConnection(
            new SqliteConnectionStringBuilder
            {
                DataSource = _client.DatabasePath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString()
        );
        await connection.OpenAsync();
        var text = new StringBuilder();
        foreach (
            var sql in new[]
            {
                "SELECT * FROM personnel ORDER BY id",
                "SELECT message_id FROM applied_messages ORDER BY message_id",
                "SELECT COUNT(*) FROM replace_staging",
            }
        )
        {
            await using var command = new SqliteCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    text.Append(reader.GetValue(c)).Append('|');
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }
}
