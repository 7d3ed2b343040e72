using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Relay.Client.Settings;
using Relay.Hosting.Auth;

namespace Relay.Client.Inbox;

internal static class InboxSetup
{
    /// <summary>
    /// One Kestrel server hosts both the TCP inbox and the read-only HTTP API, each on its own
    /// endpoint from <see cref="ClientOptions"/>.
    /// </summary>
    public static void AddInbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LinkCredentialSource>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClientOptions>>().Value;
            return new HandshakeBrake(new FailedAuthBrake(options.FailedAttemptsAllowed, options.FailedAttemptsWindow));
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Reading Value runs the options validation, so a bad setting stops start-up here with its name.
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<ClientOptions>>().Value;
            kestrel.Listen(options.ParseTcpAddress(), options.TcpPort, listen =>
            {
                if (!string.IsNullOrEmpty(options.TlsCertificatePath))
                {
                    listen.UseHttps(LoadCertificate(options));
                }

                listen.UseConnectionHandler<InboxConnectionHandler>();
            });

            var http = options.ParseHttpUrl();
            if (http.IsLoopback && http.Host == "localhost")
            {
                kestrel.ListenLocalhost(http.Port);
            }
            else if (IPAddress.TryParse(http.Host.Trim('[', ']'), out var address))
            {
                kestrel.Listen(address, http.Port);
            }
            else
            {
                kestrel.ListenAnyIP(http.Port);
            }
        });
    }

    /// <summary>
    /// Says where the daemon listens, in its own words: the host's "Now listening on" lines (turned
    /// down in appsettings.json) would call the TCP delivery port <c>http://</c>, like every Kestrel endpoint.
    /// </summary>
    public static void LogListeners(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClientOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Relay.Client");
        app.Lifetime.ApplicationStarted.Register(() =>
            InboxLog.Listening(
                logger,
                options.TcpBindAddress,
                options.TcpPort,
                string.IsNullOrEmpty(options.TlsCertificatePath) ? "plain" : "TLS",
                options.HttpUrl
            )
        );
        app.Lifetime.ApplicationStopping.Register(() => InboxLog.Stopping(logger));
    }

    private static X509Certificate2 LoadCertificate(ClientOptions options)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(
                options.TlsCertificatePath!,
                options.TlsCertificatePassword
            );
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"Client:TlsCertificatePath '{options.TlsCertificatePath}' is not a PKCS#12 certificate with a private key that Client:TlsCertificatePassword opens: {e.Message}",
                e
            );
        }
    }
}
