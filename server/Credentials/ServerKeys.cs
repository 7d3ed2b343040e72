using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Relay.Contracts.Protocol;

namespace Relay.Server.Credentials;

/// <summary>
/// The server's identity in the handshake: the ECDSA P-256 key it signs with
/// (<c>Credentials:ServerKey</c>, or one derived from the master key), and the public halves every
/// credential it issues carries, the next key's too during a rotation (<c>Credentials:NextServerKey</c>).
/// </summary>
internal sealed class ServerKeys : IDisposable
{
    private readonly ECDsa _signing;

    public ServerKeys(IOptions<CredentialOptions> options)
    {
        var o = options.Value;
        _signing = o.ServerKey.Length > 0 ? TryImport(o.ServerKey)! : Derive(Encoding.UTF8.GetBytes(o.MasterKey));
        var current = ServerSignature.PublicKeyOf(_signing);
        if (o.NextServerKey.Length > 0)
        {
            using var next = TryImport(o.NextServerKey)!;
            var nextPublic = ServerSignature.PublicKeyOf(next);
            Public = nextPublic == current ? [current] : [current, nextPublic];
        }
        else
        {
            Public = [current];
        }

        KeyId = ServerSignature.KeyIdOf(current);
    }

    /// <summary>What an issued credential names: the signing key's public half first.</summary>
    public IReadOnlyList<string> Public { get; }

    /// <summary>The signing key's short name, sent in <see cref="AuthFrame.KeyId"/>.</summary>
    public string KeyId { get; }

    public string Sign(long clientId, int generation, string clientChallenge, string serverChallenge) =>
        ServerSignature.Sign(_signing, clientId, generation, clientChallenge, serverChallenge);

    /// <summary>A PEM private key on P-256, or null when <paramref name="pem"/> is not one.</summary>
    public static ECDsa? TryImport(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.ExportParameters(false).Curve.Oid.Value == "1.2.840.10045.3.1.7")
            {
                return key;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException) { }

        key.Dispose();
        return null;
    }

    /// <summary>
    /// With no key configured, the signing key follows from the master key (its scalar an HMAC of a
    /// label): nothing more to keep safe, and every instance signs with the same key.
    /// </summary>
    private static ECDsa Derive(byte[] masterKey)
    {
        for (var attempt = 1; ; attempt++)
        {
            var d = HMACSHA256.HashData(masterKey, Encoding.UTF8.GetBytes($"relay server signing key\n{attempt}"));
            var key = ECDsa.Create();
            try
            {
                // Almost every 32-byte value is a valid scalar; the rare one that is not takes the next label.
                key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
                return key;
            }
            catch (CryptographicException)
            {
                key.Dispose();
            }
        }
    }

    public void Dispose() => _signing.Dispose();
}
