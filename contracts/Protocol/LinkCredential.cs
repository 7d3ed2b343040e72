using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace Relay.Contracts.Protocol;

/// <summary>
/// What one client daemon holds to authenticate its link with the server: its client id, the
/// generation of the credential (it goes up with every rotation), a 32-byte secret that only this
/// client and the server can know (the client's proof), and the public halves of the server's
/// signing keys (how the client knows the server: holding this credential lets no one sign as the
/// server). Written as one string for settings files,
/// <c>relay-link-2.{clientId}.{generation}.{secret}.{server key}[.{next server key}]</c>, all
/// base64url; <c>relay-link-1.{clientId}.{generation}.{secret}</c> is the older form without
/// server keys (see PROTOCOL.md for its upgrade).
/// </summary>
public sealed class LinkCredential
{
    /// <summary>The start of every credential string with server keys, so a misplaced value is recognised.</summary>
    public const string Prefix = "relay-link-2";

    /// <summary>The start of the older form, without server keys.</summary>
    public const string PrefixWithoutServerKeys = "relay-link-1";

    /// <summary>At most this many server keys: the one in use, and the next during a rotation of the server's
    /// key.</summary>
    public const int MaxServerKeys = 2;

    /// <summary>Bytes in a secret.</summary>
    public const int SecretBytes = 32;

    private readonly byte[] _secret;

    /// <summary>A credential from its parts; <paramref name="secret"/> must be <see cref="SecretBytes"/>
    /// long.</summary>
    public LinkCredential(long clientId, int generation, byte[] secret, IReadOnlyList<string>? serverKeys = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clientId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(generation);
        if (secret.Length != SecretBytes)
        {
            throw new ArgumentException($"A link secret is {SecretBytes} bytes.", nameof(secret));
        }

        ClientId = clientId;
        Generation = generation;
        _secret = secret;
        ServerKeys = serverKeys ?? [];
    }

    /// <summary>The client this credential belongs to.</summary>
    public long ClientId { get; }

    /// <summary>Which issue of the client's credential this is (1 at registration, one more per rotation).</summary>
    public int Generation { get; }

    /// <summary>The key of the handshake's HMACs.</summary>
    public ReadOnlySpan<byte> Secret => _secret;

    /// <summary>The server's public signing keys (SubjectPublicKeyInfo, base64url) this client accepts; empty in the
    /// older form, whose client can only check the server with its own secret.</summary>
    public IReadOnlyList<string> ServerKeys { get; }

    /// <summary>The same credential, naming these server keys.</summary>
    public LinkCredential WithServerKeys(IReadOnlyList<string> serverKeys) =>
        new(ClientId, Generation, _secret, serverKeys);

    /// <summary>The credential as one string, for a setting or a file.</summary>
    public string Encode() =>
        ServerKeys.Count == 0
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{PrefixWithoutServerKeys}.{ClientId}.{Generation}.{Base64Url.EncodeToString(_secret)}"
            )
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{Prefix}.{ClientId}.{Generation}.{Base64Url.EncodeToString(_secret)}.{string.Join('.', ServerKeys)}"
            );

    /// <summary>Reads a credential string; throws <see cref="FormatException"/> when it is not one.</summary>
    public static LinkCredential Parse(string text) =>
        TryParse(text, out var credential, out var problem)
            ? credential!
            : throw new FormatException($"Not a link credential: {problem}.");

    /// <summary>Reads a credential string; false (and why) when it is not one.</summary>
    public static bool TryParse(string? text, out LinkCredential? credential, out string problem)
    {
        credential = null;
        var parts = text?.Trim().Split('.') ?? [];
        var shapeOk =
            (parts.Length == 4 && parts[0] == PrefixWithoutServerKeys)
            || (parts.Length is >= 5 and <= 4 + MaxServerKeys && parts[0] == Prefix);
        if (!shapeOk)
        {
            problem =
                $"it must look like {Prefix}.<client id>.<generation>.<secret>.<server key>, as POST /clients or POST /clients/{{id}}/credentials answered";
            return false;
        }

        if (
            !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clientId)
            || clientId <= 0
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            || generation <= 0
        )
        {
            problem = "its client id and generation must be positive numbers";
            return false;
        }

        var secret = new byte[SecretBytes + 3];
        if (!Base64Url.IsValid(parts[3]) || Base64Url.DecodeFromChars(parts[3], secret) != SecretBytes)
        {
            problem = $"its secret must be {SecretBytes} bytes in base64url";
            return false;
        }

        var serverKeys = parts[4..];
        if (serverKeys.FirstOrDefault(k => !ServerSignature.IsPublicKey(k)) is { } bad)
        {
            problem =
                $"its server key '{(bad.Length <= 12 ? bad : bad[..12] + "…")}' is not an ECDSA P-256 public key in base64url";
            return false;
        }

        credential = new LinkCredential(clientId, generation, secret[..SecretBytes], serverKeys);
        problem = "";
        return true;
    }

    /// <summary>
    /// The credential the server issues: the secret is HMAC-SHA256 under the server's master key
    /// of the client id, the generation and the client's salt (random, drawn at registration, so
    /// an id used again after a database reset gets other secrets). Nothing secret is stored:
    /// the server derives it again whenever the client connects.
    /// </summary>
    public static LinkCredential Derive(
        ReadOnlySpan<byte> masterKey,
        long clientId,
        int generation,
        ReadOnlySpan<byte> salt
    )
    {
        var label = string.Create(
            CultureInfo.InvariantCulture,
            $"relay link credential\n{clientId}\n{generation}\n{Convert.ToHexStringLower(salt)}"
        );
        return new LinkCredential(
            clientId,
            generation,
            HMACSHA256.HashData(masterKey, System.Text.Encoding.UTF8.GetBytes(label))
        );
    }

    /// <summary>Never the secret: safe to log.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"client {ClientId}, generation {Generation}");
}
