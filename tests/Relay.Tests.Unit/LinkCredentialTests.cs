using System.Security.Cryptography;
using Relay.Contracts.Protocol;

namespace Relay.Tests.Unit;

public sealed class LinkCredentialTests
{
    private static readonly byte[] Secret = [.. Enumerable.Range(1, LinkCredential.SecretBytes).Select(i => (byte)i)];

    [Fact]
    public void ACredentialWithServerKeysReadsBackAsWritten()
    {
        using var current = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var next = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string[] keys = [ServerSignature.PublicKeyOf(current), ServerSignature.PublicKeyOf(next)];
        var written = new LinkCredential(7, 3, Secret, keys).Encode();

        var read = LinkCredential.Parse(written);

        Assert.StartsWith("relay-link-2.7.3.", written);
        Assert.Equal((7L, 3), (read.ClientId, read.Generation));
        Assert.Equal(Secret, read.Secret.ToArray());
        Assert.Equal(keys, read.ServerKeys);
    }

    [Fact]
    public void ACredentialOfTheOlderFormStillReadsWithNoServerKey()
    {
        var read = LinkCredential.Parse(new LinkCredential(7, 1, Secret).Encode());

        Assert.Empty(read.ServerKeys);
        Assert.Equal(7, read.ClientId);
    }

    [Theory]
    [InlineData("relay-link-2.7.1.{secret}", "server key")]
    [InlineData("relay-link-2.7.1.{secret}.bm90IGEga2V5", "is not an ECDSA P-256 public key")]
    [InlineData("relay-link-1.7.1.{secret}.{key}", "must look like")]
    [InlineData("relay-link-2.7.1.{secret}.{key}.{key}.{key}", "must look like")]
    public void ACredentialWithABadServerKeyPartIsRefusedSayingWhy(string template, string problem)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var text = template
            .Replace("{secret}", System.Buffers.Text.Base64Url.EncodeToString(Secret))
            .Replace("{key}", ServerSignature.PublicKeyOf(key));

        Assert.False(LinkCredential.TryParse(text, out _, out var why));
        Assert.Contains(problem, why);
    }

    [Fact]
    public void ASignatureVerifiesWithTheSignersPublicKeyOnlyAndOnlyForItsOwnHandshake()
    {
        using var server = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var thief = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (clientChallenge, serverChallenge) = (TransportAuth.NewChallenge(), TransportAuth.NewChallenge());
        var signature = ServerSignature.Sign(server, 7, 2, clientChallenge, serverChallenge);
        string[] known = [ServerSignature.PublicKeyOf(server)];

        Assert.True(ServerSignature.Verify(known, signature, 7, 2, clientChallenge, serverChallenge));
        Assert.False(ServerSignature.Verify(known, signature, 8, 2, clientChallenge, serverChallenge));
        Assert.False(ServerSignature.Verify(known, signature, 7, 3, clientChallenge, serverChallenge));
        Assert.False(ServerSignature.Verify(known, signature, 7, 2, TransportAuth.NewChallenge(), serverChallenge));
        Assert.False(
            ServerSignature.Verify(
                known,
                ServerSignature.Sign(thief, 7, 2, clientChallenge, serverChallenge),
                7,
                2,
                clientChallenge,
                serverChallenge
            )
        );
        Assert.False(ServerSignature.Verify(known, null, 7, 2, clientChallenge, serverChallenge));
        Assert.False(ServerSignature.Verify(known, "not base64!", 7, 2, clientChallenge, serverChallenge));
    }
}
