using Relay.Contracts.Digest;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// A running client daemon answering digest requests and applying patches over a raw socket, as
/// the server's verify and sync (or an attacker) would speak to it.
/// </summary>
public sealed class ClientDigestProtocolTests : IAsyncLifetime
{
    private static readonly PersonnelRecord Newton = new(1, "Isaac", "Newton", "12345678900");
    private static readonly PersonnelRecord Einstein = new(2, "Albert", "Einstein", "98765432100");
    private readonly ClientDaemon _client = ClientDaemon.Alone("digest");

    public Task InitializeAsync() => _client.StartAsync();

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task SummariesAndListingsDescribeExactlyTheRowsHeld()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        await peer.ExchangeAsync(
            new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Save, Personnel: [Newton, Einstein]))
        );

        var summary = Assert.IsType<DigestReplyFrame>(await peer.ExchangeAsync(new DigestRequestFrame(2)));
        var listing = Assert.IsType<DigestReplyFrame>(await peer.ExchangeAsync(new DigestRequestFrame(2, [1])));

        var expected = new BucketSummaries(2);
        expected.Add(Newton.Id, PersonnelDigest.RowHash(Newton));
        expected.Add(Einstein.Id, PersonnelDigest.RowHash(Einstein));
        Assert.Equal(2, summary.Rows);
        Assert.Equal(expected.Encode(), summary.BucketSummaries);
        Assert.Equal(
            new Dictionary<long, ulong> { [1] = PersonnelDigest.RowHash(Newton) },
            RowHashes.Decode(listing.RowHashes!)
        );
    }

    [Theory]
    [InlineData(3, null)]
    [InlineData(131_072, null)]
    [InlineData(4, 4)]
    [InlineData(4, -1)]
    public async Task AnInvalidDigestRequestIsRefusedAndTheConnectionKeepsWorking(int buckets, int? listed)
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);

        var refusal = Assert.IsType<NackFrame>(
            await peer.ExchangeAsync(new DigestRequestFrame(buckets, listed is { } b ? [b] : null))
        );

        Assert.True(refusal.Permanent);
        Assert.IsType<DigestReplyFrame>(await peer.ExchangeAsync(new DigestRequestFrame(1)));
    }

    [Fact]
    public async Task APatchTakesEffectOnlyWithItsLastPartAndAllAtOnce()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        await peer.ExchangeAsync(
            new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Save, Personnel: [Newton]))
        );
        var curie = new PersonnelRecord(3, "Marie", "Curie", "11122233344");

        Assert.IsType<AckFrame>(
            await peer.ExchangeAsync(
                new DeliverFrame(
                    2,
                    MessageUids.For(2),
                    new MessageBody(MessageKind.Patch, [curie], Part: new StagedPart("set", 1, 2))
                )
            )
        );
        Assert.Equal([Newton.Id], (await _client.StoredRowsAsync()).Select(r => r.Id));

        Assert.IsType<AckFrame>(
            await peer.ExchangeAsync(
                new DeliverFrame(
                    2,
                    MessageUids.For(3),
                    new MessageBody(MessageKind.Patch, PersonnelIds: [Newton.Id], Part: new StagedPart("set", 2, 2))
                )
            )
        );
        Assert.Equal([(3L, "Marie", "Curie", "11122233344")], await _client.StoredRowsAsync());
    }

    [Fact]
    public async Task APatchWithAMissingPartIsRefusedAndChangesNothing()
    {
        using var peer = await ProtocolPeer.AuthenticatedAsync(_client.TcpPort);
        await peer.ExchangeAsync(
            new DeliverFrame(1, MessageUids.For(1), new MessageBody(MessageKind.Save, Personnel: [Newton]))
        );

        var refusal = Assert.IsType<NackFrame>(
            await peer.ExchangeAsync(
                new DeliverFrame(
                    2,
                    MessageUids.For(2),
                    new MessageBody(MessageKind.Patch, PersonnelIds: [Newton.Id], Part: new StagedPart("gappy", 2, 2))
                )
            )
        );

        Assert.True(refusal.Permanent);
        Assert.Equal([Newton.Id], (await _client.StoredRowsAsync()).Select(r => r.Id));
    }
}
