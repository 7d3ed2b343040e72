using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Hosting.Http;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Every setting of both daemons, found by reading their options types, given a bad value: each is
/// named on a line of its own, with what is wrong and a good example, exit code 2, no stack trace. A
/// setting added later is walked too, so it cannot ship without a check.
/// </summary>
public sealed class EverySettingTests
{
    [Fact]
    public async Task EveryServerSettingOfTheWrongTypeIsNamedAtOnce()
    {
        var settings = Walk(ServerSections());
        var bad = settings.Where(s => s.Type != typeof(string)).ToDictionary(s => s.Key, s => WrongType(s.Type));

        var output = await RefusedStartAsync(Repo.ServerProgram, ServerBaseline(), bad);

        AssertEachNamed(output, bad, (key, value) => $"invalid setting: {key}: '{value}' is not ");
    }

    [Fact]
    public async Task EveryClientSettingOfTheWrongTypeIsNamedAtOnce()
    {
        var settings = Walk(ClientSections());
        var bad = settings.Where(s => s.Type != typeof(string)).ToDictionary(s => s.Key, s => WrongType(s.Type));

        var output = await RefusedStartAsync(Repo.ClientProgram, ClientBaseline(), bad);

        AssertEachNamed(output, bad, (key, value) => $"invalid setting: {key}: '{value}' is not ");
    }

    [Fact]
    public async Task EveryServerNumberAndDurationOutOfRangeIsNamedAtOnce()
    {
        var bad = Walk(ServerSections())
            .Where(s => OutOfRange(s.Type) is not null)
            .ToDictionary(s => s.Key, s => OutOfRange(s.Type)!);

        var output = await RefusedStartAsync(Repo.ServerProgram, ServerBaseline(), bad);

        // A seeded client's port is checked with the rest of the seeded client.
        AssertEachNamed(output, bad, (key, _) => $"invalid setting: {key.Replace(":Port", "")}");
    }

    [Fact]
    public async Task EveryClientNumberAndDurationOutOfRangeIsNamedAtOnce()
    {
        var bad = Walk(ClientSections())
            .Where(s => OutOfRange(s.Type) is not null)
            .ToDictionary(s => s.Key, s => OutOfRange(s.Type)!);

        var output = await RefusedStartAsync(Repo.ClientProgram, ClientBaseline(), bad);

        AssertEachNamed(output, bad, (key, _) => $"invalid setting: {key}");
    }

    /// <summary>Text settings: a bad value and what the refusal names. A text setting in neither this nor
    /// <see cref="AnyTextServer"/> fails the walk, so a new one needs a decision.</summary>
    private static readonly Dictionary<string, (string Value, string Named)> BadServerText = new()
    {
        ["Auth:ApiKey"] = ("short", "Auth:ApiKey"),
        ["Auth:Keys:0:Name"] = ("", "Auth:Keys:0: Name"),
        ["Auth:Keys:0:Key"] = ("short", "Auth:Keys:0: Key must be"),
        // A key has a Key or its hash: the hash is walked on a second key.
        ["Auth:Keys:1:KeySha256"] = ("zz", "Auth:Keys:1: KeySha256"),
        ["Auth:Keys:0:Role"] = ("boss", "Auth:Keys:0: Role"),
        ["Auth:TrustedProxies:0"] = ("nonsense", "Auth:TrustedProxies:0"),
        ["Credentials:MasterKey"] = ("shorter-than-32-characters", "Credentials:MasterKey"),
        ["Credentials:ServerKey"] = ("not a PEM key", "Credentials:ServerKey"),
        ["Credentials:NextServerKey"] = ("not a PEM key", "Credentials:NextServerKey"),
        ["Delivery:TlsTrustedCertificatePath"] = ("/nonexistent/ca.pem", "Delivery:TlsTrustedCertificatePath"),
        ["Delivery:InstanceId"] = (new string('x', 101), "Delivery:InstanceId"),
        ["Seed:Clients:0:Name"] = ("", "Seed:Clients:0"),
        ["Seed:Clients:0:Host"] = ("", "Seed:Clients:0"),
        ["Seed:Personnel:0:Name"] = ("", "Seed:Personnel:0"),
        ["Seed:Personnel:0:Surname"] = ("", "Seed:Personnel:0"),
        ["Seed:Personnel:0:Ssn"] = ("12", "Seed:Personnel:0"),
        ["Tracing:OtlpEndpoint"] = ("not a url", "Tracing:OtlpEndpoint"),
    };

    /// <summary>Text any value of which is good: a password, and a file written (and reported) at each start.</summary>
    private static readonly string[] AnyTextServer = ["Database:Password", "Seed:Clients:0:CredentialFile"];

    private static readonly Dictionary<string, (string Value, string Named)> BadClientText = new()
    {
        ["Client:DatabasePath"] = ("", "Client:DatabasePath"),
        ["Client:TcpBindAddress"] = ("localhost-ish", "Client:TcpBindAddress"),
        ["Client:HttpUrl"] = ("not a url", "Client:HttpUrl"),
        ["Client:Credential"] = ("relay-link-1.1.1.too-short", "Client:Credential"),
        ["Client:ReadApiKey"] = ("short", "Client:ReadApiKey"),
        ["Client:TlsCertificatePath"] = ("/nonexistent/client.pfx", "Client:TlsCertificatePath"),
        ["Tracing:OtlpEndpoint"] = ("not a url", "Tracing:OtlpEndpoint"),
    };

    /// <summary>A password for a real certificate: a second start.</summary>
    private static readonly Dictionary<string, (string Value, string Named)> BadClientFiles = new()
    {
        ["Client:TlsCertificatePassword"] = ("wrong-password", "Client:TlsCertificatePassword"),
    };

    [Fact]
    public async Task EveryServerTextSettingWithABadValueIsNamed()
    {
        var texts = Walk(ServerSections()).Where(s => s.Type == typeof(string)).Select(s => s.Key).ToList();
        var walked = BadServerText.Keys.Select(k => k.Replace("Keys:1:", "Keys:0:"));
        Assert.Empty(texts.Except(walked).Except(AnyTextServer));
        var baseline = ServerBaseline();
        baseline["Auth:Keys:1:Name"] = "second";
        baseline["Auth:Keys:1:Role"] = "read";

        var output = await RefusedStartAsync(
            Repo.ServerProgram,
            baseline,
            BadServerText.ToDictionary(b => b.Key, b => b.Value.Value)
        );

        AssertEachNamed(output, BadServerText.ToDictionary(b => b.Key, b => b.Value.Named), (_, named) => named);
    }

    [Fact]
    public async Task EveryClientTextSettingWithABadValueIsNamed()
    {
        var texts = Walk(ClientSections()).Where(s => s.Type == typeof(string)).Select(s => s.Key).ToList();
        // The credential file is read at each connection (a rotated one is dropped in; compose's server writes it
        // after the client starts), so a missing one is logged then rather than refused now.
        Assert.Empty(texts.Except(BadClientText.Keys).Except(BadClientFiles.Keys).Except(["Client:CredentialFile"]));

        var output = await RefusedStartAsync(
            Repo.ClientProgram,
            ClientBaseline(),
            BadClientText.ToDictionary(b => b.Key, b => b.Value.Value)
        );
        AssertEachNamed(output, BadClientText.ToDictionary(b => b.Key, b => b.Value.Named), (_, named) => named);

        var withFiles = ClientBaseline();
        withFiles["Client:TlsCertificatePath"] = SelfSignedPfx("right-password");
        output = await RefusedStartAsync(
            Repo.ClientProgram,
            withFiles,
            BadClientFiles.ToDictionary(b => b.Key, b => b.Value.Value)
        );
        AssertEachNamed(output, BadClientFiles.ToDictionary(b => b.Key, b => b.Value.Named), (_, named) => named);
    }

    private static string SelfSignedPfx(string password)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=relay-settings-walk", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddDays(1)
        );
        var path = Path.Combine(Path.GetTempPath(), $"relay-walk-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static string WrongType(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(bool) => "maybe",
            var t when t == typeof(TimeSpan) => "2s",
            var t when t == typeof(double) => "half",
            _ => "abc",
        };

    /// <summary>Below every range the daemons allow (none takes a negative count or duration).</summary>
    private static string? OutOfRange(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(TimeSpan) => "-00:00:01",
            var t when t == typeof(int) || t == typeof(long) || t == typeof(double) => "-5",
            _ => null,
        };

    private static async Task<string> RefusedStartAsync(
        string dll,
        Dictionary<string, string> baseline,
        Dictionary<string, string> bad
    )
    {
        foreach (var (key, value) in bad)
        {
            baseline[key] = value;
        }

        await using var daemon = DaemonProcess.Start("settings", dll, baseline);
        Assert.True(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the daemon should refuse to start");
        Assert.Equal(2, daemon.ExitCode);
        Assert.DoesNotContain("Unhandled exception", daemon.Output);
        Assert.DoesNotContain(daemon.Output.Split('\n'), l =>
            l.TrimStart().StartsWith("at ", StringComparison.Ordinal)
        );
        return daemon.Output;
    }

    private static void AssertEachNamed(
        string output,
        Dictionary<string, string> bad,
        Func<string, string, string> expected
    )
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var unnamed = bad.Where(b => !lines.Any(l => l.Contains(expected(b.Key, b.Value), StringComparison.Ordinal)))
            .Select(b => $"{b.Key}={b.Value}")
            .ToList();
        Assert.True(unnamed.Count == 0, $"not named: {string.Join(", ", unnamed)}\n{output}");
    }

    /// <summary>Each single-valued setting under the sections, lists of settings walked at their first item.</summary>
    private static List<(string Key, Type Type)> Walk(IReadOnlyDictionary<string, Type> sections)
    {
        var found = new List<(string, Type)>();
        foreach (var (section, type) in sections)
        {
            Add(section, type);
        }

        Assert.NotEmpty(found);
        return found;

        void Add(string prefix, Type type)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is null)
                {
                    continue;
                }

                var key = $"{prefix}:{property.Name}";
                var propertyType = property.PropertyType;
                var element =
                    propertyType != typeof(string) && propertyType.IsGenericType
                        ? propertyType.GetGenericArguments()[0]
                        : null;
                if (element is null)
                {
                    found.Add((key, propertyType));
                }
                else if (element == typeof(string))
                {
                    found.Add(($"{key}:0", element));
                }
                else
                {
                    Add($"{key}:0", element);
                }
            }
        }
    }

    private static IReadOnlyDictionary<string, Type> ServerSections() =>
        Sections(Repo.ServerDll, "Relay.Server.SettingSections", "All");

    private static IReadOnlyDictionary<string, Type> ClientSections() =>
        Sections(Repo.ClientDll, "Relay.Client.Settings.ClientOptionsSetup", "Sections");

    /// <summary>The sections a daemon's start-up checks, as the daemon lists them.</summary>
    private static IReadOnlyDictionary<string, Type> Sections(string dll, string type, string field) =>
        (
            (IReadOnlyList<SettingSection>)
                Assembly
                    .LoadFrom(dll)
                    .GetType(type, throwOnError: true)!
                    .GetField(field, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
                    .GetValue(null)!
        ).ToDictionary(s => s.Name, s => s.Type);

    private static Dictionary<string, string> ServerBaseline() =>
        new()
        {
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["ConnectionStrings:Relay"] = "Server=127.0.0.1;Port=1;Database=x;User ID=x;Password=x",
            ["Credentials:MasterKey"] = RelayStack.MasterKey,
            ["Auth:ApiKey"] = "an-api-key-long-enough",
        };

    private static Dictionary<string, string> ClientBaseline() =>
        new()
        {
            ["Client:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"relay-walk-{Guid.NewGuid():N}", "client.db"),
            ["Client:TcpPort"] = FreePort.Next().ToString(),
            ["Client:HttpUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Client:Credential"] = ClientDaemon.TestCredential.Encode(),
            ["Client:ReadApiKey"] = "a-read-key-long-enough",
        };
}
