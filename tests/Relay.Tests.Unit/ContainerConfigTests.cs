using System.Reflection;
using System.Text.RegularExpressions;
using Relay.Client.Settings;
using Relay.Hosting.Tracing;
using Relay.Server.Auth;
using Relay.Server.Credentials;
using Relay.Server.Database;
using Relay.Server.Delivery;
using Relay.Server.Outbox;
using Relay.Server.Seed;
using Relay.Testing;
using YamlDotNet.RepresentationModel;

namespace Relay.Tests.Unit;

/// <summary>
/// Docker cannot run here, so what can be checked without it is: the compose file parses, every
/// setting it passes names a real option that the tests also exercise, its secrets come from
/// .env.example, and the Dockerfiles copy paths that exist and start the right assembly.
/// </summary>
public sealed partial class ContainerConfigTests
{
    private static readonly YamlMappingNode Compose = Load(Path.Combine(Repo.Root, "docker-compose.yml"));

    private static readonly Dictionary<string, Type> ServerSections = new()
    {
        ["Auth"] = typeof(AuthOptions),
        ["Credentials"] = typeof(CredentialOptions),
        ["Delivery"] = typeof(DeliveryOptions),
        ["Outbox"] = typeof(OutboxOptions),
        ["Seed"] = typeof(SeedOptions),
        [TracingOptions.Section] = typeof(TracingOptions),
    };

    [Fact]
    public void TheStackHasMySqlTheServerAndTwoClientsWiredAsDocumented()
    {
        var services = Services();
        Assert.Equal(["client1", "client2", "mysql", "server"], services.Keys.Order());
        Assert.Equal("mysql:8.4", Scalar(services["mysql"], "image"));
        Assert.Equal("relay-server:${RELAY_VERSION:-dev}", Scalar(services["server"], "image"));
        Assert.All(services.Values, s => Assert.Equal("unless-stopped", Scalar(s, "restart")));
        Assert.All(services.Values, s => Assert.NotNull(Child(s, "healthcheck")));
        Assert.Equal(
            "service_healthy",
            Scalar(
                (YamlMappingNode)Child((YamlMappingNode)Child(services["server"], "depends_on")!, "mysql")!,
                "condition"
            )
        );
        // Loopback unless the operator says otherwise.
        Assert.Equal(["${RELAY_SERVER_BIND:-127.0.0.1}:8080:8080"], Sequence(services["server"], "ports"));
        Assert.All(new[] { "mysql", "client1", "client2" }, s =>
            Assert.NotEmpty(((YamlSequenceNode)Child(services[s], "volumes")!).Children)
        );
        Assert.All(new[] { "client1", "client2" }, s =>
            Assert.Equal(
                "service_healthy",
                Scalar(
                    (YamlMappingNode)Child((YamlMappingNode)Child(services[s], "depends_on")!, "server")!,
                    "condition"
                )
            )
        );
    }

    [Fact]
    public void TheClientsPortsArePublishedOnlyByTheDocumentedOverride()
    {
        var services = Services();
        Assert.All(new[] { "client1", "client2", "mysql" }, s => Assert.Null(Child(services[s], "ports")));

        var overrides = Services(Load(Path.Combine(Repo.Root, "compose", "ports.yml")));
        Assert.Equal(["127.0.0.1:5001:5001", "127.0.0.1:8001:8001"], Sequence(overrides["client1"], "ports"));
        Assert.Equal(["127.0.0.1:5002:5002", "127.0.0.1:8002:8002"], Sequence(overrides["client2"], "ports"));
        Assert.Contains("compose/ports.yml", File.ReadAllText(Path.Combine(Repo.Root, "README.md")));
    }

    [Fact]
    public void DemoPersonnelComeOnlyFromTheDemoOverrideWhoseSettingsAreRealOptions()
    {
        Assert.DoesNotContain(Environment("server"), k => k.StartsWith("Seed:Personnel", StringComparison.Ordinal));
        var demo = (
            (YamlMappingNode)
                Child(Services(Load(Path.Combine(Repo.Root, "compose", "demo.yml")))["server"], "environment")!
        )
            .Children.Select(c => ((YamlScalarNode)c.Key).Value!.Replace("__", ":", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(demo);
        Assert.All(demo, k =>
            Assert.True(IsServerSetting(k), $"compose/demo.yml passes '{k}', which the server does not read")
        );
    }

    [Fact]
    public void TheTracingOverrideAddsJaegerOnLoopbackAndPointsEveryDaemonAtItWithRealSettings()
    {
        var tracing = Services(Load(Path.Combine(Repo.Root, "compose", "tracing.yml")));

        Assert.StartsWith("jaegertracing/jaeger:2.", Scalar(tracing["jaeger"], "image"));
        Assert.Equal(["127.0.0.1:16686:16686"], Sequence(tracing["jaeger"], "ports"));
        Assert.Equal(
            "10m",
            Scalar(
                (YamlMappingNode)Child((YamlMappingNode)Child(tracing["jaeger"], "logging")!, "options")!,
                "max-size"
            )
        );
        foreach (var daemon in new[] { "server", "client1", "client2" })
        {
            var environment = ((YamlMappingNode)Child(tracing[daemon], "environment")!).Children.ToDictionary(
                c => ((YamlScalarNode)c.Key).Value!.Replace("__", ":", StringComparison.Ordinal),
                c => ((YamlScalarNode)c.Value).Value
            );
            Assert.Equal("Otlp", environment["Tracing:Exporter"]);
            Assert.Equal("http://jaeger:4318", environment["Tracing:OtlpEndpoint"]);
            Assert.All(environment.Keys, k =>
                Assert.True(
                    daemon == "server" ? IsServerSetting(k) : IsClientSetting(k),
                    $"compose/tracing.yml passes '{k}' to {daemon}, which does not read it"
                )
            );
        }
    }

    [Fact]
    public void TheClusterOverrideRunsThreeDurableGaleraNodesAndTwoInstancesEachNamingEveryNodeItsOwnFirst()
    {
        var cluster = Services(Load(Path.Combine(Repo.Root, "compose", "cluster.yml")));
        string[] nodes = ["mysql", "galera2", "galera3"];
        foreach (var node in nodes)
        {
            var args = Sequence(cluster[node], "command");
            Assert.Equal("mariadb:10.11", Scalar(cluster[node], "image"));
            Assert.Contains("--wsrep-on=ON", args);
            Assert.Contains("--wsrep-cluster-address=gcomm://mysql,galera2,galera3", args);
            Assert.Contains("--innodb-flush-log-at-trx-commit=1", args);
            Assert.Contains("--wsrep-sst-method=mariabackup", args);
            Assert.Equal(node == "mysql", args.Contains("--wsrep-new-cluster"));
        }

        var a = new MySqlConnector.MySqlConnectionStringBuilder(
            Scalar((YamlMappingNode)Child(cluster["server"], "environment")!, "ConnectionStrings__Relay")!
        );
        var b = new MySqlConnector.MySqlConnectionStringBuilder(
            Scalar((YamlMappingNode)Child(cluster["server-b"], "environment")!, "ConnectionStrings__Relay")!
        );
        Assert.Equal(("mysql,galera2,galera3", MySqlConnector.MySqlLoadBalance.FailOver), (a.Server, a.LoadBalance));
        Assert.Equal(("galera2,galera3,mysql", MySqlConnector.MySqlLoadBalance.FailOver), (b.Server, b.LoadBalance));
        Assert.Equal(["127.0.0.1:8081:8080"], Sequence(cluster["server-b"], "ports"));
        foreach (
            var key in ((YamlMappingNode)Child(cluster["server-b"], "environment")!).Children.Select(c =>
                ((YamlScalarNode)c.Key).Value!.Replace("__", ":", StringComparison.Ordinal)
            )
        )
        {
            Assert.True(
                IsServerSetting(key),
                $"compose/cluster.yml passes '{key}' to server-b, which the server does not read"
            );
        }

        Assert.Contains("compose/cluster.yml", File.ReadAllText(Path.Combine(Repo.Root, "docs", "cluster.md")));
    }

    [Theory]
    [InlineData("client1", "8001")]
    [InlineData("client2", "8002")]
    public void EachClientHasAHealthCheckBuiltIntoItsBinaryOnItsOwnPort(string client, string port)
    {
        var test = ((YamlSequenceNode)Child((YamlMappingNode)Child(Services()[client], "healthcheck")!, "test")!)
            .Children.Select(c => ((YamlScalarNode)c).Value!)
            .ToArray();
        Assert.Equal(
            ["CMD", "/app/Relay.Client", Relay.Hosting.Http.HealthProbe.Argument, $"http://127.0.0.1:{port}/health"],
            test
        );
        Assert.Contains(
            $"http://0.0.0.0:{port}",
            Scalar((YamlMappingNode)Child(Services()[client], "environment")!, "Client__HttpUrl")
        );
    }

    [Fact]
    public void EverySecretIsAFileThatMakeSecretsWritesAndOnlyTheServicesThatReadItMount()
    {
        var script = File.ReadAllText(Path.Combine(Repo.Root, "scripts", "make-secrets.sh"));
        var declared = ((YamlMappingNode)Child(Compose, "secrets")!).Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value!,
            c => Scalar((YamlMappingNode)c.Value, "file")
        );
        Assert.All(declared, d => Assert.Equal($"./secrets/{d.Key}", d.Value));
        Assert.All(declared.Keys, name => Assert.Contains(name, script));

        foreach (var (name, service) in Services())
        {
            var mounted = Child(service, "secrets") is YamlSequenceNode list
                ? list.Children.Select(c => ((YamlScalarNode)c).Value!).ToList()
                : [];
            var read = ((YamlMappingNode)Child(service, "environment")!)
                .Children.Select(c => ((YamlScalarNode)c.Value).Value!)
                .Where(v => v.StartsWith("/run/secrets/", StringComparison.Ordinal))
                .Select(v => v["/run/secrets/".Length..])
                .ToList();
            Assert.Equal(read.Order(), mounted.Order());
        }

        // The admin key never reaches an edge device.
        Assert.DoesNotContain("relay_api_key", Sequence(Services()["client1"], "secrets"));
    }

    [Theory]
    [InlineData("client1")]
    [InlineData("client2")]
    public void EachClientMountsOnlyItsOwnCredentialWhichTheServerWritesThere(string client)
    {
        var services = Services();
        var mount = ((YamlSequenceNode)Child(services[client], "volumes")!)
            .Children.OfType<YamlMappingNode>()
            .Single(m => Scalar(m, "source")!.StartsWith("credentials", StringComparison.Ordinal));
        Assert.Equal($"credentials-{client}", Scalar(mount, "source"));
        Assert.Equal("true", Scalar(mount, "read_only"));
        var file =
            $"{Scalar(mount, "target")}/{Path.GetFileName(Scalar((YamlMappingNode)Child(services[client], "environment")!, "Client__CredentialFile")!)}";
        Assert.Equal($"{Scalar(mount, "target")}/credential", file);

        var seeded = ((YamlMappingNode)Child(services["server"], "environment")!)
            .Children.Where(c => ((YamlScalarNode)c.Key).Value!.EndsWith("__CredentialFile", StringComparison.Ordinal))
            .Select(c => ((YamlScalarNode)c.Value).Value);
        Assert.Contains($"/credentials/{client}/credential", seeded);
        Assert.Contains($"credentials-{client}:/credentials/{client}", Sequence(services["server"], "volumes"));
    }

    [Fact]
    public void EveryContainerCapsItsLogAndNoMountNeedsARecentEngine()
    {
        var files = new[]
        {
            Path.Combine(Repo.Root, "docker-compose.yml"),
            Path.Combine(Repo.Root, "compose", "cluster.yml"),
        };
        var base_ = Services();
        var cluster = Services(Load(files[1]));
        foreach (var (name, service) in base_.Concat(cluster.Where(c => !base_.ContainsKey(c.Key))))
        {
            var logging = (YamlMappingNode?)Child(service, "logging");
            Assert.True(logging is not null, $"{name} caps its log");
            Assert.Equal("json-file", Scalar(logging!, "driver"));
            Assert.Equal("10m", Scalar((YamlMappingNode)Child(logging!, "options")!, "max-size"));
        }

        // A volume's subpath needs Docker Engine 26 / compose 2.23; an engine of the compose v2.20 era refuses it.
        Assert.All(files, f => Assert.DoesNotContain("subpath", File.ReadAllText(f)));
    }

    [Fact]
    public void TheServerHasAHealthCheckBuiltIntoItsBinary()
    {
        var test = ((YamlSequenceNode)Child((YamlMappingNode)Child(Services()["server"], "healthcheck")!, "test")!)
            .Children.Select(c => ((YamlScalarNode)c).Value!)
            .ToArray();
        Assert.Equal(["CMD", "dotnet", "Relay.Server.dll", Relay.Hosting.Http.HealthProbe.Argument], test[..4]);
        Assert.EndsWith("/health/ready", test[4]);
    }

    [Fact]
    public void TheServerMayOpenAConnectionPerClientForTenThousandClients()
    {
        // One TCP connection per client it serves, plus MySQL, HTTP and files: see docs/performance.md, Sizing.
        var nofile = (YamlMappingNode)Child((YamlMappingNode)Child(Services()["server"], "ulimits")!, "nofile")!;
        Assert.True(int.Parse(Scalar(nofile, "soft")!) >= 20_000, "the server's soft file-descriptor limit");
        Assert.True(int.Parse(Scalar(nofile, "hard")!) >= int.Parse(Scalar(nofile, "soft")!));
    }

    [Fact]
    public void EverySettingTheServerIsGivenIsARealOptionThatTheTestsUse()
    {
        foreach (var key in Environment("server"))
        {
            Assert.True(
                IsServerSetting(key),
                $"docker-compose.yml passes '{key}' to the server, which reads no such setting"
            );
            Assert.True(
                TestsMention(key),
                $"docker-compose.yml passes '{key}' to the server, but no test runs with it"
            );
        }
    }

    [Fact]
    public void EverySettingAClientIsGivenIsARealOptionThatTheTestsUse()
    {
        foreach (var service in new[] { "client1", "client2" })
        {
            foreach (var key in Environment(service).Concat(DockerfileEnv("client")))
            {
                Assert.True(
                    IsClientSetting(key),
                    $"{service} is given '{key}', which the client reads no such setting"
                );
                Assert.True(TestsMention(key), $"{service} is given '{key}', but no test runs with it");
            }
        }
    }

    [Fact]
    public void EveryVariableTheComposeFileUsesIsInTheEnvExampleFileWhichHoldsNoSecret()
    {
        var example = File.ReadAllText(Path.Combine(Repo.Root, ".env.example"));
        var used = Variable()
            .Matches(File.ReadAllText(Path.Combine(Repo.Root, "docker-compose.yml")))
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .ToList();

        Assert.Equal(["RELAY_VERSION", "RELAY_SERVER_BIND"], used);
        Assert.All(used, v => Assert.Matches($"(?m)^{v}=", example));
        Assert.DoesNotMatch("(?i)(password|key)=", example);
    }

    [Theory]
    [InlineData("server", "Relay.Server")]
    [InlineData("client", "Relay.Client")]
    public void EachDockerfileCopiesWhatExistsRunsAsNonRootAndStartsItsProgram(string project, string assembly)
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Repo.Root, project, "Dockerfile"));

        foreach (
            var copy in dockerfile.Where(l =>
                l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)
            )
        )
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(sources, s =>
                Assert.True(
                    Path.Exists(Path.Combine(Repo.Root, s)),
                    $"{project}/Dockerfile copies {s}, which does not exist"
                )
            );
        }

        Assert.Contains(dockerfile, l =>
            l.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal)
        );
        Assert.Contains(dockerfile, l => l.StartsWith("USER $APP_UID", StringComparison.Ordinal));
        if (project == "client")
        {
            // Native AOT: linked by the SDK's aot image, run on one without the .NET runtime.
            Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build", dockerfile);
            Assert.Contains("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", dockerfile);
            Assert.Contains($"ENTRYPOINT [\"/app/{assembly}\"]", dockerfile);
            Assert.Contains(
                "<PublishAot>true</PublishAot>",
                File.ReadAllText(Path.Combine(Repo.Root, project, $"{assembly}.csproj"))
            );
        }
        else
        {
            Assert.Contains(dockerfile, l =>
                l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal)
            );
            Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", dockerfile);
        }

        Assert.Contains(
            $"<AssemblyName>{assembly}</AssemblyName>",
            File.ReadAllText(Path.Combine(Repo.Root, project, $"{assembly}.csproj"))
        );
        var build = Assert
            .Single(Services()[project == "server" ? "server" : "client1"].Children, c =>
                ((YamlScalarNode)c.Key).Value == "build"
            )
            .Value;
        Assert.Equal($"{project}/Dockerfile", Scalar((YamlMappingNode)build, "dockerfile"));
    }

    private static bool IsServerSetting(string key)
    {
        key = WithoutFileSuffix(key);
        var parts = key.Split(':');
        return key is "ConnectionStrings:Relay" or "Database:Password" or "Urls"
            || key.StartsWith("Logging:", StringComparison.Ordinal)
            || (ServerSections.TryGetValue(parts[0], out var type) && HasPath(type, parts[1..]));
    }

    private static bool IsClientSetting(string key)
    {
        key = WithoutFileSuffix(key);
        var parts = key.Split(':');
        return key.StartsWith("Logging:", StringComparison.Ordinal)
            || (parts[0] == ClientOptions.Section && HasPath(typeof(ClientOptions), parts[1..]))
            || (parts[0] == TracingOptions.Section && HasPath(typeof(TracingOptions), parts[1..]));
    }

    /// <summary>Follows a configuration path through option properties, list indexes included.</summary>
    private static bool HasPath(Type type, string[] path)
    {
        if (path.Length == 0)
        {
            return true;
        }

        if (int.TryParse(path[0], out _) && type.IsGenericType)
        {
            return HasPath(type.GetGenericArguments()[0], path[1..]);
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance);
        return property is not null && HasPath(property.PropertyType, path[1..]);
    }

    /// <summary>A setting given as a file (<c>Auth:ApiKey_FILE</c>) is the setting itself
    /// (<c>Auth:ApiKey</c>).</summary>
    private static string WithoutFileSuffix(string key) =>
        key.EndsWith("_FILE", StringComparison.Ordinal) ? key[..^"_FILE".Length] : key;

    private static bool TestsMention(string key)
    {
        var quoted = $"\"{WithoutFileSuffix(key)}\"";
        return Directory
            .EnumerateFiles(Path.Combine(Repo.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Any(f => File.ReadAllText(f).Contains(quoted, StringComparison.Ordinal));
    }

    private static IEnumerable<string> Environment(string service) =>
        ((YamlMappingNode)Child(Services()[service], "environment")!).Children.Select(c =>
            ((YamlScalarNode)c.Key).Value!.Replace("__", ":", StringComparison.Ordinal)
        );

    private static IEnumerable<string> DockerfileEnv(string project) =>
        File.ReadAllLines(Path.Combine(Repo.Root, project, "Dockerfile"))
            .Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=')[0].Replace("__", ":", StringComparison.Ordinal));

    private static Dictionary<string, YamlMappingNode> Services(YamlMappingNode? file = null) =>
        ((YamlMappingNode)Child(file ?? Compose, "services")!).Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value!,
            c => (YamlMappingNode)c.Value
        );

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.FirstOrDefault(c => ((YamlScalarNode)c.Key).Value == key).Value;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static string[] Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)Child(node, key)!).Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)")]
    private static partial Regex Variable();
}
