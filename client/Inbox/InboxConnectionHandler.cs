using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Relay.Client.Observability;
using Relay.Client.Settings;
using Relay.Client.Storage;
using Relay.Contracts.Protocol;

namespace Relay.Client.Inbox;

/// <summary>
/// One TCP connection from the server. First a mutual handshake over the shared secret; until it
/// succeeds nothing is applied. Then: read a frame, apply it, answer ACK or NACK, in order. The
/// answer goes out only after the SQLite transaction committed.
/// </summary>
internal sealed class InboxConnectionHandler(
    PersonnelStore store,
    StorageStatus storage,
    ClientMetrics metrics,
    LinkCredentialSource credentials,
    HandshakeBrake handshakes,
    IOptions<ClientOptions> options,
    ILogger<InboxConnectionHandler> logger
) : ConnectionHandler
{
    private int _connections;
    private bool _warnedNoServerKey;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var id = connection.ConnectionId;
        var settings = options.Value;
        try
        {
            if (Interlocked.Increment(ref _connections) > settings.MaxConnections)
            {
                InboxLog.Closing(logger, id, $"more than {settings.MaxConnections} connections");
                metrics.Rejected("too_many_connections");
                return;
            }

            // An address that failed too many handshakes is not answered until its window ends.
            var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
            if (handshakes.Brake.IsBraked(remote, out var retryAfter))
            {
                InboxLog.Closing(
                    logger,
                    id,
                    $"too many failed handshakes from {remote}; refused for {retryAfter.TotalSeconds:0} s more"
                );
                metrics.Rejected("braked");
                return;
            }

            InboxLog.Connected(logger, id, connection.RemoteEndPoint?.ToString());
            await ServeAsync(connection, remote, settings);
        }
        catch (ProtocolException e)
        {
            InboxLog.Closing(logger, id, e.Message);
            metrics.Rejected(e.Reason == ProtocolError.TooLarge ? "too_large" : "timeout");
        }
        catch (OperationCanceledException)
        {
            // The peer went away, the handshake timed out, or the daemon is stopping.
        }
        catch (ConnectionResetException) { }
        finally
        {
            Interlocked.Decrement(ref _connections);
            InboxLog.Disconnected(logger, id);
        }
    }

    private async Task ServeAsync(ConnectionContext connection, IPAddress? remote, ClientOptions settings)
    {
        var id = connection.ConnectionId;
        var ct = connection.ConnectionClosed;

        // On shutdown Kestrel asks connections to close: stop reading new frames at once, but let
        // a frame already being applied finish and be acknowledged.
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            ?? CancellationToken.None;
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct, closing);
        var reader = new FrameReader(connection.Transport.Input, settings.MaxFrameBytes, settings.FrameTimeout);
        var output = connection.Transport.Output;

        if (!await HandshakeAsync(id, remote, reader, output, settings, stopReading.Token))
        {
            return;
        }

        while (true)
        {
            var incoming = await reader.ReadAsync(stopReading.Token);
            if (incoming.Closed)
            {
                return;
            }

            var reply = incoming.Frame is { } frame
                ? await HandleAsync(id, frame, ct)
                : Refuse(0, id, incoming.Error!, "malformed");
            FrameCodec.Write(output, reply);
            await output.FlushAsync(ct);
            if (reply is NackFrame { Permanent: false })
            {
                // Frames already sent behind the refused one must not overtake it: drop them with the connection.
                return;
            }
        }
    }

    /// <summary>Name the credential held and challenge the peer; it must prove that credential in time, then the client
    /// proves it back.</summary>
    private async Task<bool> HandshakeAsync(
        string id,
        IPAddress? remote,
        FrameReader reader,
        PipeWriter output,
        ClientOptions settings,
        CancellationToken ct
    )
    {
        if (!credentials.TryGet(out var credential, out var problem))
        {
            InboxLog.NoCredential(logger, id, problem);
            metrics.Rejected("no_credential");
            FrameCodec.Write(
                output,
                new NackFrame(0, Permanent: true, "This client has no usable link credential; its log says why.")
            );
            await output.FlushAsync(ct);
            return false;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(settings.HandshakeTimeout);
        var challenge = TransportAuth.NewChallenge();
        FrameCodec.Write(output, new HelloFrame(challenge, credential!.ClientId, credential.Generation));
        await output.FlushAsync(deadline.Token);

        Incoming answer;
        try
        {
            answer = await reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            InboxLog.AuthenticationFailed(
                logger,
                id,
                $"no handshake within {settings.HandshakeTimeout.TotalSeconds:0.#} s"
            );
            metrics.Rejected("unauthenticated");
            handshakes.Brake.RecordFailure(remote);
            return false;
        }

        if (
            answer.Frame is AuthFrame auth
            && TransportAuth.IsWellFormedChallenge(auth.Challenge)
            && ServerIsProven(credential, challenge, auth)
        )
        {
            var (lastId, lastUid) = await store.LastAppliedAsync(ct);
            FrameCodec.Write(
                output,
                new WelcomeFrame(TransportAuth.ClientProof(credential, auth.Challenge, challenge), lastId, lastUid)
            );
            await output.FlushAsync(ct);
            return true;
        }

        if (answer.Frame is NackFrame refused)
        {
            // The peer proved nothing and gained nothing: no brake, but the operator must learn the credential is
            // stale.
            InboxLog.CredentialRefused(logger, id, credential.Generation, refused.Reason);
            metrics.Rejected("credential_refused");
            return false;
        }

        InboxLog.AuthenticationFailed(
            logger,
            id,
            answer switch
            {
                { Closed: true } => "closed before authenticating",
                { Frame: AuthFrame signed } when credential.ServerKeys.Count > 0 =>
                    $"the peer's signature does not verify with the server key(s) this credential names "
                        + $"({string.Join(", ", credential.ServerKeys.Select(ServerSignature.KeyIdOf))}; "
                        + $"it named key {signed.KeyId ?? "none"}): it is not the server this client was issued for",
                _ => $"no valid proof of this client's credential ({answer.Frame?.GetType().Name ?? answer.Error})",
            }
        );
        metrics.Rejected("unauthenticated");
        handshakes.Brake.RecordFailure(remote);
        if (!answer.Closed)
        {
            FrameCodec.Write(output, new NackFrame(0, Permanent: true, "Authentication failed."));
            await output.FlushAsync(ct);
        }

        return false;
    }

    /// <summary>
    /// The server signs with a key only it holds, checked with the public keys this client's
    /// credential names. A credential of the older form names none: all it can check is the proof
    /// under the client's own secret, which anyone holding that secret can make (the log warns).
    /// </summary>
    private bool ServerIsProven(LinkCredential credential, string challenge, AuthFrame auth)
    {
        if (credential.ServerKeys.Count > 0)
        {
            return ServerSignature.Verify(
                credential.ServerKeys,
                auth.Signature,
                credential.ClientId,
                credential.Generation,
                challenge,
                auth.Challenge
            );
        }

        if (!_warnedNoServerKey)
        {
            _warnedNoServerKey = true;
            InboxLog.NoServerKey(logger, credential.Generation);
        }

        return TransportAuth.Matches(TransportAuth.ServerProof(credential, challenge, auth.Challenge), auth.Proof);
    }

    private async Task<Frame> HandleAsync(string connectionId, Frame frame, CancellationToken ct)
    {
        if (frame is PingFrame)
        {
            return new PongFrame();
        }

        if (frame is FeaturesFrame)
        {
            return new FeaturesReplyFrame([Features.TraceParent, Features.Overtaking, Features.Validity]);
        }

        if (frame is DigestRequestFrame digest)
        {
            return await DescribeAsync(connectionId, digest, ct);
        }

        if (frame is not DeliverFrame deliver)
        {
            return Refuse(
                0,
                connectionId,
                $"A client only accepts deliver, digestRequest, ping and features frames, not {frame.GetType().Name}.",
                "malformed"
            );
        }

        if (MessageValidator.Validate(deliver) is { } invalid)
        {
            return Refuse(deliver.MessageId, connectionId, invalid, "invalid");
        }

        using var span = ClientTracing
            .StartApply(deliver.TraceParent)
            ?.SetTag("relay.message_id", deliver.MessageId)
            .SetTag("relay.message_kind", deliver.Body.Kind.ToString())
            .SetTag("relay.items", deliver.Body.ItemCount);
        try
        {
            var outcome = await store.ApplyAsync(deliver.MessageId, deliver.MessageUid, deliver.Body, ct);
            span?.SetTag("relay.outcome", outcome.Result.ToString())
                .SetStatus(outcome.Result == ApplyResult.Refused ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
            if (outcome.Result == ApplyResult.Applied)
            {
                storage.Succeeded();
            }
            switch (outcome.Result)
            {
                case ApplyResult.Refused:
                    return Refuse(deliver.MessageId, connectionId, outcome.Reason!, "invalid");
                case ApplyResult.Duplicate:
                    InboxLog.Duplicate(logger, deliver.MessageId);
                    metrics.Duplicate();
                    break;
                default:
                    InboxLog.Applied(logger, deliver.MessageId, deliver.Body.Kind.ToString(), deliver.Body.ItemCount);
                    metrics.Applied();
                    break;
            }

            return new AckFrame(deliver.MessageId, outcome.Result == ApplyResult.Duplicate);
        }
        catch (SqliteException e)
        {
            // The store's fault, not the message's: the transaction rolled back and a retry may succeed.
            InboxLog.ApplyFailed(logger, e, deliver.MessageId);
            span?.AddException(e).SetStatus(ActivityStatusCode.Error, e.Message);
            metrics.Rejected("storage");

            // SQLite's own words ("database or disk is full"), so the operator sees the cause from the server too.
            var reason = $"The client could not write to its SQLite file: {e.Message.TrimEnd('.')}.";
            storage.Failed(reason);
            return new NackFrame(deliver.MessageId, Permanent: false, reason);
        }
    }

    /// <summary>Describes what the client holds, for the server to compare (verify, sync); changes nothing.</summary>
    private async Task<Frame> DescribeAsync(string connectionId, DigestRequestFrame request, CancellationToken ct)
    {
        if (PersonnelDigests.Validate(request) is { } invalid)
        {
            return Refuse(0, connectionId, invalid, "invalid");
        }

        try
        {
            return await store.DescribeAsync(request, ct);
        }
        catch (SqliteException e)
        {
            InboxLog.DescribeFailed(logger, e);
            return new NackFrame(
                0,
                Permanent: false,
                $"The client could not read its SQLite file: {e.Message.TrimEnd('.')}."
            );
        }
    }

    private NackFrame Refuse(long messageId, string connectionId, string reason, string metricReason)
    {
        metrics.Rejected(metricReason);
        InboxLog.Refused(logger, messageId, connectionId, reason);
        return new NackFrame(messageId, Permanent: true, reason);
    }
}
