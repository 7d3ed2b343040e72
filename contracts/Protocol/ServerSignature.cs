using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Contracts.Protocol;

/// <summary>
/// How the server proves who it is in the handshake: an ECDSA P-256 signature, by a key only the
/// server holds, over the client's id and generation and both fresh challenges. A client checks it
/// with the public keys its <see cref="LinkCredential"/> names, so the holder of a client's
/// credential (or of every client's) can be that client and nothing more.
/// </summary>
public static class ServerSignature
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Signs for one handshake; <paramref name="key"/> is the server's private key.</summary>
    public static string Sign(
        ECDsa key,
        long clientId,
        int generation,
        string clientChallenge,
        string serverChallenge
    ) =>
        Convert.ToBase64String(
            key.SignData(Signed(clientId, generation, clientChallenge, serverChallenge), HashAlgorithmName.SHA256)
        );

    /// <summary>True when <paramref name="signature"/> verifies under one of <paramref name="publicKeys"/>.</summary>
    public static bool Verify(
        IReadOnlyList<string> publicKeys,
        string? signature,
        long clientId,
        int generation,
        string clientChallenge,
        string serverChallenge
    )
    {
        if (signature is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[80];
        if (!Convert.TryFromBase64String(signature, bytes, out var length) || length != 64)
        {
            return false;
        }

        var data = Signed(clientId, generation, clientChallenge, serverChallenge);
        foreach (var publicKey in publicKeys)
        {
            using var key = ImportPublicKey(publicKey);
            if (key is not null && key.VerifyData(data, bytes[..length], HashAlgorithmName.SHA256))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The public half of a key, as a credential carries it: SubjectPublicKeyInfo in base64url.</summary>
    public static string PublicKeyOf(ECDsa key) => Base64Url.EncodeToString(key.ExportSubjectPublicKeyInfo());

    /// <summary>A short name for a public key, for logs and errors: the first 8 bytes of its SHA-256, in hex.</summary>
    public static string KeyIdOf(string publicKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(publicKey)).AsSpan(0, 8));

    /// <summary>True when <paramref name="text"/> is an ECDSA P-256 public key as <see cref="PublicKeyOf"/> writes
    /// it.</summary>
    public static bool IsPublicKey(string text)
    {
        using var key = ImportPublicKey(text);
        return key is not null;
    }

    private static ECDsa? ImportPublicKey(string text)
    {
        if (text.Length > 200 || !Base64Url.IsValid(text))
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(Base64Url.DecodeFromChars(text), out _);
            if (key.ExportParameters(false).Curve.Oid.Value == P256Oid)
            {
                return key;
            }
        }
        catch (CryptographicException) { }

        key.Dispose();
        return null;
    }

    private static byte[] Signed(long clientId, int generation, string clientChallenge, string serverChallenge) =>
        Encoding.UTF8.GetBytes(
            string.Create(
                CultureInfo.InvariantCulture,
                $"relay-v6 server\n{clientId}\n{generation}\n{clientChallenge}\n{serverChallenge}"
            )
        );
}
