using System.Buffers.Binary;
using System.Text;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>A running client daemon spoken to over a raw TCP socket, as the server (or an attacker) would.</summary>
public sealed class ClientProtocolTests : IAsyncLifetime
{
    private static readonly PersonnelRecord Newton = new(1, "Isaac", "Newton", "12345678900");
    private readonly ClientDaemon _client = ClientDaemon.Alone("proto");

    public Task InitializeAsync() => _client.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task AMessageDeliveredTwiceIsAcknowledgedTwiceButAppliedOnce()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        var save = new DeliverFrame(10, MessageUids.For(10), new MessageBody(MessageKind.Save, Personnel: [Newton]));
        var deleteAll = new DeliverFrame(11, MessageUids.For(11), new MessageBody(MessageKind.DeleteAll));

        Assert.Equal(new AckFrame(10), await peer.ExchangeAsync(save));
        Assert.Equal(new AckFrame(11), await peer.ExchangeAsync(deleteAll));
        Assert.Equal(new AckFrame(10, Duplicate: true), await peer.ExchangeAsync(save));

        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task AnInvalidMessageIsRefusedPermanentlyAndNothingOfItIsApplied()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        var halfBad = new DeliverFrame(
            20,
            MessageUids.For(20),
            new MessageBody(
                MessageKind.Save,
                Personnel: [Newton, new PersonnelRecord(2, "Albert", "Einstein", "not-an-ssn")]
            )
        );

        var reply = Assert.IsType<NackFrame>(await peer.ExchangeAsync(halfBad));

        Assert.True(reply.Permanent);
        Assert.Equal(20, reply.MessageId);
        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task TheClientSaysItTakesATraceparentAndAppliesAMessageCarryingOneOrABadOne()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);

        var features = Assert.IsType<FeaturesReplyFrame>(await peer.ExchangeAsync(new FeaturesFrame()));

        Assert.Contains(Features.TraceParent, features.Accepts);
        var traced = new DeliverFrame(
            40,
            MessageUids.For(40),
            new MessageBody(MessageKind.Save, Personnel: [Newton]),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        );
        Assert.Equal(new AckFrame(40), await peer.ExchangeAsync(traced));
        // A trace context is never a reason to refuse a change: one that does not parse is ignored.
        var garbled = new DeliverFrame(41, MessageUids.For(41), new MessageBody(MessageKind.DeleteAll), "not-a-trace");
        Assert.Equal(new AckFrame(41), await peer.ExchangeAsync(garbled));
        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task ADeletionThatArrivesAheadOfOlderChangesKeepsThePersonnelAwayUntilANewerSave()
    {
        var einstein = new PersonnelRecord(2, "Albert", "Einstein", "98765432100");
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        var features = Assert.IsType<FeaturesReplyFrame>(await peer.ExchangeAsync(new FeaturesFrame()));
        Assert.Contains(Features.Overtaking, features.Accepts);

        // The server sends deletion 500 ahead of a save, a patch and a replacement queued before it.
        Assert.Equal(new AckFrame(500), await peer.ExchangeAsync(Deliver(500, MessageKind.Delete, ids: [1])));
        Assert.Equal(new AckFrame(490), await peer.ExchangeAsync(Deliver(490, MessageKind.Save, [Newton, einstein])));
        Assert.Equal(["98765432100"], await _client.ListedSsnsAsync());
        Assert.Equal(
            new AckFrame(491),
            await peer.ExchangeAsync(Deliver(491, MessageKind.Patch, [Newton], part: new StagedPart("p491", 1, 1)))
        );
        Assert.Equal(
            new AckFrame(492),
            await peer.ExchangeAsync(
                Deliver(492, MessageKind.Replace, [Newton, einstein], part: new StagedPart("r492", 1, 1))
            )
        );
        Assert.Equal(["98765432100"], await _client.ListedSsnsAsync());

        // A reconnecting server hears of the deletion it sent ahead, not only of the last message applied.
        using (var again = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort))
        {
            Assert.Equal((500L, MessageUids.For(500)), (again.Welcome!.LastAppliedId, again.Welcome.LastAppliedUid));
        }

        // A save queued after the deletion brings the personnel back.
        Assert.Equal(new AckFrame(510), await peer.ExchangeAsync(Deliver(510, MessageKind.Save, [Newton])));
        Assert.Equal(["12345678900", "98765432100"], await _client.ListedSsnsAsync());
    }

    [Fact]
    public async Task ARefusedChangeRetriedInItsPlaceDoesNotBringBackSomeoneDeletedOrClearedSince()
    {
        var einstein = new PersonnelRecord(2, "Albert", "Einstein", "98765432100");
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);

        // Save 590 of Newton was refused (say the site was full); Newton was deleted after it, and more came since.
        Assert.Equal(new AckFrame(600), await peer.ExchangeAsync(Deliver(600, MessageKind.Delete, ids: [1])));
        Assert.Equal(new AckFrame(610), await peer.ExchangeAsync(Deliver(610, MessageKind.Save, [einstein])));
        Assert.Equal(new AckFrame(620), await peer.ExchangeAsync(Deliver(620, MessageKind.Update, [einstein])));

        // The operator retries it: the same id, so it is judged in its old place, before the deletion.
        Assert.Equal(new AckFrame(590), await peer.ExchangeAsync(Deliver(590, MessageKind.Save, [Newton])));
        Assert.Equal(["98765432100"], await _client.ListedSsnsAsync());

        // After a delete-all, nothing older writes a row: neither a retried save nor a retried replacement.
        Assert.Equal(new AckFrame(700), await peer.ExchangeAsync(Deliver(700, MessageKind.DeleteAll)));
        Assert.Equal(new AckFrame(710), await peer.ExchangeAsync(Deliver(710, MessageKind.Save, [einstein])));
        Assert.Equal(new AckFrame(690), await peer.ExchangeAsync(Deliver(690, MessageKind.Save, [Newton])));
        Assert.Equal(
            new AckFrame(695),
            await peer.ExchangeAsync(Deliver(695, MessageKind.Replace, [Newton], part: new StagedPart("r695", 1, 1)))
        );
        Assert.Equal(["98765432100"], await _client.ListedSsnsAsync());

        // A change queued after the delete-all is applied as ever.
        Assert.Equal(new AckFrame(720), await peer.ExchangeAsync(Deliver(720, MessageKind.Save, [Newton])));
        Assert.Equal(["12345678900", "98765432100"], await _client.ListedSsnsAsync());
    }

    private static DeliverFrame Deliver(
        long id,
        MessageKind kind,
        IReadOnlyList<PersonnelRecord>? personnel = null,
        IReadOnlyList<long>? ids = null,
        StagedPart? part = null
    ) => new(id, MessageUids.For(id), new MessageBody(kind, personnel, ids, part));

    [Fact]
    public async Task GarbageGetsANackAndTheConnectionKeepsWorking()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        await peer.SendRawAsync(
            ProtocolPeer.Raw(Encoding.UTF8.GetBytes("{\"type\":\"deliver\",\"version\":1,\"messageId\":"))
        );

        Assert.True(Assert.IsType<NackFrame>(await peer.ReadAsync()).Permanent);
        var save = new DeliverFrame(30, MessageUids.For(30), new MessageBody(MessageKind.Save, Personnel: [Newton]));
        Assert.Equal(new AckFrame(30), await peer.ExchangeAsync(save));
        Assert.Equal(["12345678900"], await _client.ListedSsnsAsync());
    }

    [Fact]
    public async Task AnOversizeFrameClosesTheConnectionAndTheDaemonKeepsServing()
    {
        using (var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort))
        {
            var header = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
            await peer.SendRawAsync(header);
            Assert.True(await peer.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(10)));
        }

        using var again = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        Assert.Equal(
            new AckFrame(40),
            await again.ExchangeAsync(new DeliverFrame(40, MessageUids.For(40), new MessageBody(MessageKind.DeleteAll)))
        );

        // The operator's count of refused connections says why: too large, not a stalled frame.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{_client.HttpUrl}/metrics");
        Assert.Contains("reason=\"too_large\"", metrics);
        Assert.DoesNotContain("reason=\"timeout\"", metrics);
    }

    [Fact]
    public async Task APeerWithTheWrongCredentialIsRefusedAndNothingIsApplied()
    {
        using var peer = await ProtocolPeer.ConnectAsync(_client.TcpPort);
        var hello = Assert.IsType<HelloFrame>(await peer.ReadAsync());
        var challenge = TransportAuth.NewChallenge();

        var answer = await peer.ExchangeAsync(
            new AuthFrame(
                challenge,
                TransportAuth.ServerProof(
                    new LinkCredential(hello.ClientId, hello.Generation, new byte[LinkCredential.SecretBytes]),
                    hello.Challenge,
                    challenge
                )
            )
        );
        await peer.SendAsync(
            new DeliverFrame(50, MessageUids.For(50), new MessageBody(MessageKind.Save, Personnel: [Newton]))
        );

        Assert.IsType<NackFrame>(answer);
        Assert.True(await peer.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task AMessageSentWithoutAuthenticatingIsNotApplied()
    {
        using var peer = await ProtocolPeer.ConnectAsync(_client.TcpPort);
        Assert.IsType<HelloFrame>(await peer.ReadAsync());

        await peer.SendAsync(
            new DeliverFrame(51, MessageUids.For(51), new MessageBody(MessageKind.Save, Personnel: [Newton]))
        );

        Assert.True(await peer.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task ARecordedSessionReplayedOnANewConnectionDoesNothing()
    {
        // A legitimate session, recorded byte for byte by an eavesdropper.
        var recorded = new List<byte[]>();
        using (var peer = await ProtocolPeer.ConnectAsync(_client.TcpPort))
        {
            var hello = Assert.IsType<HelloFrame>(await peer.ReadAsync());
            var challenge = TransportAuth.NewChallenge();
            var auth = ProtocolPeer.Encode(
                new AuthFrame(
                    challenge,
                    TransportAuth.ServerProof(ClientDaemon.TestCredential, hello.Challenge, challenge)
                )
            );
            var deleteAll = ProtocolPeer.Encode(
                new DeliverFrame(60, MessageUids.For(60), new MessageBody(MessageKind.DeleteAll))
            );
            recorded.AddRange([auth, deleteAll]);
            await peer.SendRawAsync(auth);
            Assert.IsType<WelcomeFrame>(await peer.ReadAsync());
            await peer.SendRawAsync(deleteAll);
            Assert.Equal(new AckFrame(60), await peer.ReadAsync());
        }

        using (var legit = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort))
        {
            Assert.Equal(
                new AckFrame(61),
                await legit.ExchangeAsync(
                    new DeliverFrame(61, MessageUids.For(61), new MessageBody(MessageKind.Save, Personnel: [Newton]))
                )
            );
        }

        // The replay: the daemon's new challenge does not match the recorded proof.
        using var replay = await ProtocolPeer.ConnectAsync(_client.TcpPort);
        Assert.IsType<HelloFrame>(await replay.ReadAsync());
        foreach (var bytes in recorded)
        {
            await replay.SendRawAsync(bytes);
        }

        Assert.True(await replay.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(["12345678900"], await _client.ListedSsnsAsync());
    }

    [Fact]
    public async Task APeerThatSendsNothingOrTricklesIsCutOff()
    {
        using var silent = await ProtocolPeer.ConnectAsync(_client.TcpPort);
        using var trickler = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        var frame = ProtocolPeer.Encode(
            new DeliverFrame(70, MessageUids.For(70), new MessageBody(MessageKind.DeleteAll))
        );
        await trickler.SendRawAsync(frame[..6]);

        Assert.True(
            await silent.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(8)),
            "no handshake within the handshake timeout"
        );
        Assert.True(
            await trickler.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(8)),
            "a frame not finished within the frame timeout"
        );
        using var fine = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        Assert.Equal(
            new AckFrame(71),
            await fine.ExchangeAsync(new DeliverFrame(71, MessageUids.For(71), new MessageBody(MessageKind.DeleteAll)))
        );
    }

    [Fact]
    public async Task OldAppliedIdsArePrunedWhileRecentOnesStillCatchRedeliveries()
    {
        await using var small = ClientDaemon.Alone(
            "prune",
            new Dictionary<string, string> { ["Client:AppliedIdsKept"] = "100" }
        );
        await small.StartAsync();
        using var peer = await ProtocolPeer.AuthenticatedAsync(small.TcpPort);

        for (var id = 1; id <= 350; id++)
        {
            Assert.Equal(
                new AckFrame(id),
                await peer.ExchangeAsync(
                    new DeliverFrame(id, MessageUids.For(id), new MessageBody(MessageKind.Delete, PersonnelIds: [id]))
                )
            );
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={small.DatabasePath};Mode=ReadOnly;Pooling=False"
        );
        await connection.OpenAsync();
        await using var count = new Microsoft.Data.Sqlite.SqliteCommand(
            "SELECT COUNT(*), MIN(message_id) FROM applied_messages",
            connection
        );
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.InRange(reader.GetInt64(0), 100, 110);
        Assert.True(reader.GetInt64(1) > 200, "the oldest ids went first");
        Assert.Equal(
            new AckFrame(340, Duplicate: true),
            await peer.ExchangeAsync(
                new DeliverFrame(340, MessageUids.For(340), new MessageBody(MessageKind.DeleteAll))
            )
        );
    }
}
