using System.Reflection;

namespace Relay.Testing;

/// <summary>Where the repository and the built daemons are, as recorded when the tests were built.</summary>
public static class Repo
{
    public static string Root { get; } = Metadata("RepoRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    public static string ServerDll => Path.Combine(Root, "server", "bin", Configuration, "net10.0", "Relay.Server.dll");

    /// <summary>The server the bench and end to end start: the published build named by <c>RELAY_SERVER</c> (what
    /// <c>make bench</c> and <c>make test</c> publish, as the image does), else the build output.</summary>
    public static string ServerProgram =>
        Environment.GetEnvironmentVariable("RELAY_SERVER") is { Length: > 0 } published ? published : ServerDll;

    public static string ClientDll => Path.Combine(Root, "client", "bin", Configuration, "net10.0", "Relay.Client.dll");

    /// <summary>
    /// The client daemon the tests start: the native build named by <c>RELAY_CLIENT_NATIVE</c> (what <c>make
    /// test</c> publishes and ships), else the JIT build. Tests that read the client's types load <see
    /// cref="ClientDll"/>.
    /// </summary>
    public static string ClientProgram =>
        Environment.GetEnvironmentVariable("RELAY_CLIENT_NATIVE") is { Length: > 0 } native ? native : ClientDll;

    /// <summary>The <c>relay</c> command (tools/relay).</summary>
    public static string CliDll => Path.Combine(Root, "tools", "relay", "bin", Configuration, "net10.0", "relay.dll");

    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
