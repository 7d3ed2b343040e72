using System.IO.Pipelines;
using System.Security.Authentication;
using Relay.Contracts.Protocol;
using Relay.Server.Credentials;

namespace Relay.Server.Delivery;

/// <summary>The server's side of opening a connection to a client daemon: both prove they hold the link
/// credential.</summary>
internal static class ServerHandshake
{
    /// <summary>
    /// The client says which credential it holds and challenges; the server proves that
    /// credential (derived again from the master key) and challenges back; the client proves it,
    /// and says the id and uid of the last message it applied, which this returns.
    /// </summary>
    public static async Task<(long? Id, string? Uid)> RunAsync(
        long clientId,
        ClientCredentials credentials,
        PipeWriter writer,
        Func<CancellationToken, Task<Frame>> readFrame,
        CancellationToken ct
    )
    {
        var first = await readFrame(ct);
        if (first is NackFrame declined)
        {
            throw new AuthenticationException($"The client declined to authenticate: {declined.Reason}");
        }

        if (first is not HelloFrame hello || !TransportAuth.IsWellFormedChallenge(hello.Challenge))
        {
            throw new AuthenticationException("The client did not open with a hello and a valid challenge.");
        }

        var (credential, isNews) = await credentials.ForHandshakeAsync(clientId, hello, ct);
        var challenge = TransportAuth.NewChallenge();
        FrameCodec.Write(
            writer,
            new AuthFrame(challenge, TransportAuth.ServerProof(credential, hello.Challenge, challenge))
        );
        await writer.FlushAsync(ct);
        switch (await readFrame(ct))
        {
            case WelcomeFrame welcome
                when TransportAuth.Matches(
                    TransportAuth.ClientProof(credential, challenge, hello.Challenge),
                    welcome.Proof
                ):
                if (isNews)
                {
                    await credentials.RecordUseAsync(clientId, hello.Generation, ct);
                }

                return (welcome.LastAppliedId, welcome.LastAppliedUid);
            case WelcomeFrame:
                throw new AuthenticationException(
                    $"The client's proof is wrong: it does not hold the credential it named ({credential})."
                );
            case NackFrame refused:
                throw new AuthenticationException(
                    $"The client refused the server's proof ({refused.Reason}): its credential ({credential}) was not issued with this server's Credentials:MasterKey."
                );
            default:
                throw new AuthenticationException("The client answered the handshake with an unexpected frame.");
        }
    }
}
