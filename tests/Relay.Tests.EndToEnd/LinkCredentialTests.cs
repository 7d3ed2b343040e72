using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using MySqlConnector;
using Relay.Contracts.Personnel;
using Relay.Contracts.Protocol;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>Every client holds a link credential of its own; what one device holds opens no other.</summary>
[TakesAbout(105)]
public sealed class LinkCredentialTests : IAsyncLifetime
{
    private readonly RelayStack _stack = new(clients: 2);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task OneClientsCredentialCannotPoseAsTheServerToAnotherClient()
    {
        var victim = _stack.Clients[0];
        var stolen = _stack.Clients[1].Credential;
        Assert.NotEqual(victim.Credential.ClientId, stolen.ClientId);

        // Both ways a thief could try: as what they stole, and claiming to be the victim's with the stolen secret.
        var attempts = new[]
        {
            stolen,
            new LinkCredential(victim.Credential.ClientId, victim.Credential.Generation, stolen.Secret.ToArray()),
        };
        foreach (var credential in attempts)
        {
            await PoseAsServerAsync(victim, hello =>
            {
                var challenge = TransportAuth.NewChallenge();
                return new AuthFrame(challenge, TransportAuth.ServerProof(credential, hello.Challenge, challenge));
            });
        }

        Assert.Empty(await victim.StoredRowsAsync());
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{victim.HttpUrl}/metrics");
        Assert.Contains(metrics.Split('\n'), l =>
            l.StartsWith("relay_client_frames_rejected", StringComparison.Ordinal)
            && l.Contains("reason=\"unauthenticated\"", StringComparison.Ordinal)
            && !l.EndsWith(" 0", StringComparison.Ordinal)
        );

        // The real server still gets through to both.
        await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var (status, _) = await _stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel?wait=20");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task HoldingAClientsOwnCredentialFileDoesNotLetYouPoseAsTheServerToIt()
    {
        var victim = _stack.Clients[0];
        var stolen = victim.Credential;
        Assert.NotEmpty(stolen.ServerKeys);

        // The thief can make the old HMAC proof (they hold the secret) and sign with a key of their own; neither is the
        // server's signature.
        using var thiefKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (
            var sign in new Func<HelloFrame, string, string?>[]
            {
                (_, _) => null,
                (hello, challenge) =>
                    ServerSignature.Sign(thiefKey, hello.ClientId, hello.Generation, hello.Challenge, challenge),
            }
        )
        {
            await PoseAsServerAsync(victim, hello =>
            {
                var challenge = TransportAuth.NewChallenge();
                return new AuthFrame(
                    challenge,
                    TransportAuth.ServerProof(stolen, hello.Challenge, challenge),
                    sign(hello, challenge),
                    "0000000000000000"
                );
            });
        }

        Assert.Empty(await victim.StoredRowsAsync());
        Assert.Contains("is not the server this client was issued for", victim.Process!.Output);
    }

    [Fact]
    public async Task ADaemonHoldingAnotherClientsCredentialIsNotDeliveredToAndTheErrorSaysWhy()
    {
        var misplaced = _stack.Clients[0];
        await RestartWithAsync(misplaced, _stack.Clients[1].Credential);
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        await NotDeliveredAsync(_stack.ClientIds[0], newton, $"credential of client {_stack.ClientIds[1]}");
        Assert.Empty(await misplaced.StoredRowsAsync());
    }

    [Fact]
    public async Task ARotationKeepsTheOldCredentialWorkingForTheOverlapThenOnlyTheNewOneAndDeliveryNeverStops()
    {
        var client = _stack.Clients[0];
        var id = _stack.ClientIds[0];
        var old = client.Credential;
        // Long enough for two restarts and two deliveries inside it on a busy machine (5 s was not, once).
        var rotated = await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/clients/{id}/credentials?overlap=15");
        Assert.Equal(200, rotated.Status);
        var issued = LinkCredential.Parse(rotated.Body["credential"]!.GetValue<string>());
        Assert.Equal(old.Generation + 1, issued.Generation);
        var overlapEnds = rotated.Body["previousGenerationValidUntil"]!.GetValue<DateTime>();

        // During the overlap the daemon, not yet given the new credential, still connects.
        await RestartWithAsync(client, old);
        Assert.Equal(["12345678900"], await SendAsync("Isaac", "Newton", "12345678900"));

        // Given the new one (the file is read at the next connection), it connects with that.
        await RestartWithAsync(client, issued);
        Assert.Equal(["12345678900", "98765432100"], await SendAsync("Albert", "Einstein", "98765432100"));
        Assert.Equal(
            issued.Generation,
            (await _stack.Api.JsonAsync($"/clients/{id}"))["credentialInUse"]!.GetValue<int>()
        );

        // After the overlap the old one opens nothing; what was queued meanwhile arrives once the new one is back.
        if (overlapEnds.ToUniversalTime() - DateTime.UtcNow is { Ticks: > 0 } left)
        {
            await Task.Delay(left);
        }

        await RestartWithAsync(client, old);
        var marie = await _stack.CreatePersonnelAsync("Marie", "Curie", "11122233344");
        await NotDeliveredAsync(id, marie, $"generation {old.Generation} stopped working");
        Assert.Equal(2, (await client.StoredRowsAsync()).Length);

        await RestartWithAsync(client, issued);
        await _stack.DrainedAsync();
        Assert.Equal(
            ["11122233344", "12345678900", "98765432100"],
            (await client.StoredRowsAsync()).Select(r => r.Ssn).Order()
        );
    }

    [Fact]
    public async Task ALiveLinkIsClosedWithinSecondsWhenItsOverlapEndsAndNothingMoreArrivesOverIt()
    {
        var client = _stack.Clients[0];
        var id = _stack.ClientIds[0];
        Assert.Equal(["12345678900"], await SendAsync("Isaac", "Newton", "12345678900"));

        // The daemon keeps the old file and its open connection; only the overlap ending can stop it.
        var rotated = await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/clients/{id}/credentials?overlap=3");
        Assert.Equal(200, rotated.Status);
        var overlapEnds = rotated.Body["previousGenerationValidUntil"]!.GetValue<DateTime>().ToUniversalTime();

        var refused = await Eventually.ReturnsAsync(
            () => _stack.Api.JsonAsync($"/clients/{id}"),
            c => c["lastError"]?.GetValue<string>().Contains("stopped working", StringComparison.Ordinal) == true,
            within: TimeSpan.FromSeconds(15),
            because: "the link on the old generation is closed when its overlap ends"
        );
        Assert.Contains($"generation {client.Credential.Generation} stopped working", refused["lastError"]!.ToString());
        Assert.InRange(DateTime.UtcNow - overlapEnds, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        var marie = await _stack.CreatePersonnelAsync("Marie", "Curie", "11122233344");
        await NotDeliveredAsync(id, marie, "stopped working");
        Assert.Equal(["12345678900"], (await client.StoredRowsAsync()).Select(r => r.Ssn));
        Assert.Contains("the server refused this client's link credential", client.Process!.Output);
    }

    [Fact]
    public async Task ARevokedClientIsCutOffAtOnceAndOnlyANewCredentialLetsItBackIn()
    {
        var client = _stack.Clients[0];
        var id = _stack.ClientIds[0];
        Assert.Equal(["12345678900"], await SendAsync("Isaac", "Newton", "12345678900"));

        using var revoked = await _stack.Api.DeleteAsync($"/clients/{id}/credentials");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, revoked.StatusCode);
        await Eventually.ReturnsAsync(
            () => _stack.Api.JsonAsync($"/clients/{id}"),
            c => c["lastError"]?.GetValue<string>().Contains("revoked", StringComparison.Ordinal) == true,
            within: TimeSpan.FromSeconds(5),
            because: "the live link is closed within seconds of the revocation"
        );
        var marie = await _stack.CreatePersonnelAsync("Marie", "Curie", "11122233344");
        await NotDeliveredAsync(id, marie, "revoked");
        Assert.Single(await client.StoredRowsAsync());

        // A new credential (the revoked generation's successor) lets the daemon back in, and what waited arrives.
        var issued = await _stack.Api.SendJsonAsync(HttpMethod.Post, $"/clients/{id}/credentials?overlap=0");
        await RestartWithAsync(client, LinkCredential.Parse(issued.Body["credential"]!.GetValue<string>()));
        await _stack.DrainedAsync();
        Assert.Equal(["11122233344", "12345678900"], (await client.StoredRowsAsync()).Select(r => r.Ssn).Order());
    }

    [Fact]
    public async Task ARevocationThroughAnotherInstanceClosesTheLinkOnTheInstanceThatHoldsIt()
    {
        var id = _stack.ClientIds[0];
        await _stack.StartServerAsync();

        // Two instances, two clients: once each holds one, the client's link lives on one and the call goes to the
        // other.
        var holder = await Eventually.ReturnsAsync(
            async () =>
            {
                await using var db = new MySqlConnection(_stack.ConnectionString);
                return (
                    await db.QueryAsync<(long Id, string? Owner)>(
                        "SELECT id, lease_owner FROM clients WHERE lease_expires_at > UTC_TIMESTAMP(6)"
                    )
                ).ToList();
            },
            leases => leases.Count == 2 && leases.Select(l => l.Owner).Distinct().Count() == 2,
            TimeSpan.FromSeconds(20),
            "each instance holds one client"
        );
        var owner = holder.Single(l => l.Id == id).Owner!;
        var other = _stack.Servers.Single(s => !owner.Contains($"-{s.Process.ProcessId}-", StringComparison.Ordinal));
        var (status, _) = await other.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{id}/personnel/{await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900")}?wait=20"
        );
        Assert.Equal(200, status);

        using var revoked = await other.Api.DeleteAsync($"/clients/{id}/credentials");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, revoked.StatusCode);

        await Eventually.ReturnsAsync(
            () => other.Api.JsonAsync($"/clients/{id}"),
            c => c["lastError"]?.GetValue<string>().Contains("revoked", StringComparison.Ordinal) == true,
            within: TimeSpan.FromSeconds(5),
            because: "the instance holding the link closes it within seconds of a revocation made on another"
        );
    }

    /// <summary>
    /// Poses as the server to <paramref name="victim"/> with the <c>auth</c> frame made from its hello, then sends a
    /// row anyway: the answer must be a NACK and the connection closed, with nothing applied.
    /// </summary>
    private static async Task PoseAsServerAsync(ClientDaemon victim, Func<HelloFrame, AuthFrame> auth)
    {
        using var thief = await ProtocolPeer.ConnectAsync(victim.TcpPort);
        var hello = Assert.IsType<HelloFrame>(await thief.ReadAsync());
        Assert.Equal(victim.Credential.ClientId, hello.ClientId);
        var answer = await thief.ExchangeAsync(auth(hello));
        await thief.SendAsync(
            new DeliverFrame(
                1,
                MessageUids.For(1),
                new MessageBody(MessageKind.Save, Personnel: [new PersonnelRecord(1, "Eve", "Intruder", "66666666666")])
            )
        );

        Assert.IsType<NackFrame>(answer);
        Assert.True(await thief.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Stops the daemon, gives it <paramref name="credential"/>, and starts it again.</summary>
    private static async Task RestartWithAsync(ClientDaemon client, LinkCredential credential)
    {
        await client.Process!.StopAsync();
        client.Credential = credential;
        await client.StartAsync();
    }

    /// <summary>Sends one personnel to one client; it is not delivered, and the client's last error says <paramref
    /// name="why"/>.</summary>
    private async Task NotDeliveredAsync(long clientId, long personnelId, string why)
    {
        var (status, _) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{clientId}/personnel/{personnelId}?wait=3"
        );

        Assert.Equal(202, status);
        await Eventually.ReturnsAsync(
            () => _stack.Api.JsonAsync($"/clients/{clientId}"),
            c => c["lastError"]?.GetValue<string>().Contains(why, StringComparison.Ordinal) == true,
            because: $"the client's last error says: {why}"
        );
    }

    private async Task<string[]> SendAsync(string name, string surname, string ssn)
    {
        var person = await _stack.CreatePersonnelAsync(name, surname, ssn);
        var (status, body) = await _stack.Api.SendJsonAsync(
            HttpMethod.Put,
            $"/clients/{_stack.ClientIds[0]}/personnel/{person}?wait=20"
        );
        Assert.True(status == 200, $"delivered: {body}\n{_stack.Diagnostics()}");
        return (await _stack.Clients[0].StoredRowsAsync()).Select(r => r.Ssn).Order().ToArray();
    }
}
