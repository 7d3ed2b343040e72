using System.Security.Cryptography;
using System.Text;

namespace Relay.Hosting.Auth;

/// <summary>One accepted key: its name (what logs and the audit record say), the SHA-256 of its value, and its
/// role.</summary>
public sealed record ApiKey(string Name, byte[] Sha256, string Role)
{
    /// <summary>A key given in clear.</summary>
    public static ApiKey FromSecret(string name, string secret, string role) => new(name, Hash(secret), role);

    /// <summary>SHA-256 of the key's UTF-8 bytes.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// The key whose hash equals the hash of <paramref name="given"/>, or null. Every key is
    /// compared, in constant time, so how long this takes says nothing about which one matched.
    /// </summary>
    public static ApiKey? Match(IReadOnlyList<ApiKey> keys, string given)
    {
        var hash = Hash(given);
        ApiKey? found = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(key.Sha256, hash))
            {
                found = key;
            }
        }

        return found;
    }
}

/// <summary>
/// The keys a daemon accepts; whether reads of personal data need one (<paramref name="OpenReads"/>,
/// off unless configured), and whether reads of status need one (<paramref name="OpenStatus"/>).
/// </summary>
public sealed record ApiKeySettings(IReadOnlyList<ApiKey> Keys, bool OpenReads, bool OpenStatus = false);
