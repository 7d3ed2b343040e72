using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Contracts.Protocol;

/// <summary>
/// Mutual challenge-response over one client's <see cref="LinkCredential"/>, run at the start of
/// every connection before any message is applied. Each side proves it holds that client's
/// secret by an HMAC over both fresh challenges and the client id, so a recorded handshake is
/// worthless on a later connection, and a secret of one client proves nothing to another.
/// </summary>
public static class TransportAuth
{
    private const int ChallengeBytes = 32;

    /// <summary>A fresh random challenge, base64.</summary>
    public static string NewChallenge() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(ChallengeBytes));

    /// <summary>The server's proof: over the client's challenge, then its own.</summary>
    public static string ServerProof(LinkCredential credential, string clientChallenge, string serverChallenge) =>
        Proof(credential, "relay-v4 server", clientChallenge, serverChallenge);

    /// <summary>The client's proof: over the server's challenge, then its own.</summary>
    public static string ClientProof(LinkCredential credential, string serverChallenge, string clientChallenge) =>
        Proof(credential, "relay-v4 client", serverChallenge, clientChallenge);

    /// <summary>Constant-time comparison of a received proof with the expected one.</summary>
    public static bool Matches(string expected, string? received)
    {
        if (received is null)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[64];
        return Convert.TryFromBase64String(received, given, out var length)
            && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(expected), given[..length]);
    }

    /// <summary>True when a challenge is base64 of the expected length (a peer cannot choose a weak one).</summary>
    public static bool IsWellFormedChallenge(string? challenge)
    {
        Span<byte> bytes = stackalloc byte[ChallengeBytes + 3];
        return challenge is not null
            && Convert.TryFromBase64String(challenge, bytes, out var length)
            && length == ChallengeBytes;
    }

    private static string Proof(LinkCredential credential, string role, string first, string second) =>
        Convert.ToBase64String(
            HMACSHA256.HashData(
                credential.Secret,
                Encoding.UTF8.GetBytes(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{role}\n{credential.ClientId}\n{credential.Generation}\n{first}\n{second}"
                    )
                )
            )
        );
}
