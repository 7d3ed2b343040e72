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
    /// and says the id and uid of the last message it applied. Returns that, and the credential the
    /// link now stands on. A generation that does not work is refused with a NACK that says why, so
    /// the client's log says it too.
    /// </summary>
    public static async Task<HandshakeResult> RunAsync(
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

        HandshakeCredential handshake;
        try
        {
            handshake = await credentials.ForHandshakeAsync(clientId, hello, ct);
        }
        catch (CredentialRefusedException refused)
        {
            FrameCodec.Write(writer, new NackFrame(0, Permanent: true, refused.Message));
            await writer.FlushAsync(ct);
            throw;
        }

        var (credential, isNews, validity) = handshake;
        var challenge = TransportAuth.NewChallenge();
        FrameCodec.Write(
            writer,
            new AuthFrame(
                challenge,
                TransportAuth.ServerProof(credential, hello.Challenge, challenge),
                credentials.Keys.Sign(clientId, hello.Generation, hello.Challenge, challenge),
                credentials.Keys.KeyId
            )
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

                return new HandshakeResult(welcome.LastAppliedId, welcome.LastAppliedUid, hello.Generation, validity);
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

/// <summary>What a handshake established: the client's last applied message, and the credential generation the link
/// stands on with its validity at that moment.</summary>
internal sealed record HandshakeResult(
    long? LastAppliedId,
    string? LastAppliedUid,
    int Generation,
    CredentialValidity Validity
);
