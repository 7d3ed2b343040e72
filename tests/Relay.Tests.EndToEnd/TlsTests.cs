using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>The TCP link over TLS, with a self-signed certificate the test makes for 127.0.0.1.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("relay-tls-").FullName;
    private readonly string _pfx;
    private readonly string _crt;

    public TlsTests()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            "CN=relay-test-client",
            key,
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1
        );
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)
        );
        using var certificate = request.CreateSelfSigned(
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(1)
        );
        _pfx = Path.Combine(_directory, "client.pfx");
        _crt = Path.Combine(_directory, "client.crt");
        File.WriteAllBytes(_pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        File.WriteAllText(_crt, certificate.ExportCertificatePem());
    }

    private Dictionary<string, string> ClientTls =>
        new() { ["Client:TlsCertificatePath"] = _pfx, ["Client:TlsCertificatePassword"] = "pfx-password" };

    [Fact]
    public async Task MessagesAreDeliveredOverTlsWhenTheServerTrustsTheClientsCertificate()
    {
        await using var stack = new RelayStack(
            1,
            serverSettings: new Dictionary<string, string>
            {
                ["Delivery:Tls"] = "true",
                ["Delivery:TlsTrustedCertificatePath"] = _crt,
            },
            clientSettings: ClientTls
        );
        await stack.StartAsync();
        var newton = await stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var (status, _) = await stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}?wait=15");

        Assert.True(status == 200, stack.Diagnostics());
        Assert.Equal(["12345678900"], await stack.Clients[0].ListedSsnsAsync());

        // A batch large enough to be sent from its own buffer (tens of KB), through TLS too.
        await stack.SeedPersonnelAsync(500);
        (status, _) = await stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel?wait=15");
        Assert.True(status == 200, stack.Diagnostics());
        Assert.Equal(501, (await stack.Clients[0].StoredRowsAsync()).Length);

        // Idle, the TLS connection is looked at every second (the stack's Delivery:LinkCheckInterval)
        // and kept: what TLS sends after its handshake is not taken for the client going away.
        var opened = Opened(stack);
        Assert.True(opened > 0, stack.Clients[0].Process!.Output);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(opened, Opened(stack));
        Assert.Equal(
            "upToDate",
            (await stack.Api.JsonAsync($"/clients/{stack.ClientIds[0]}"))["state"]!.GetValue<string>()
        );
    }

    private static int Opened(RelayStack stack) =>
        stack.Clients[0].Process!.Output.Split('\n').Count(line => line.Contains(" opened", StringComparison.Ordinal));

    [Fact]
    public async Task AServerThatDoesNotTrustTheCertificateDeliversNothingAndSaysWhy()
    {
        await using var stack = new RelayStack(
            1,
            serverSettings: new Dictionary<string, string> { ["Delivery:Tls"] = "true" },
            clientSettings: ClientTls
        );
        await stack.StartAsync();
        var newton = await stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        await stack.OperateAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}");

        // A connection tried before the daemon listened may have said "refused" first; the delivery's reason replaces
        // it.
        var client = await Eventually.ReturnsAsync(
            () => stack.Api.JsonAsync($"/clients/{stack.ClientIds[0]}"),
            c => c["lastError"]?.GetValue<string>().Contains("certificate", StringComparison.OrdinalIgnoreCase) == true,
            because: "the server says why it cannot deliver"
        );
        Assert.Equal("unreachable", client["state"]!.GetValue<string>());
        Assert.Empty(await stack.Clients[0].StoredRowsAsync());
    }

    [Fact]
    public async Task APlainTextPeerGetsNoHandshakeFromATlsListener()
    {
        await using var client = new ClientDaemon("client", _directory, ClientTls);
        await client.StartAsync();
        using var peer = await ProtocolPeer.ConnectAsync(client.TcpPort);

        await peer.SendRawAsync(
            ProtocolPeer.Encode(
                new Contracts.Protocol.DeliverFrame(
                    1,
                    MessageUids.For(1),
                    new Contracts.Protocol.MessageBody(Contracts.Protocol.MessageKind.DeleteAll)
                )
            )
        );

        Assert.True(await peer.IsClosedByPeerWithinAsync(TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException) { }
    }
}
