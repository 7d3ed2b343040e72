using System.Reflection;

namespace Relay.Testing;

/// <summary>Where the repository and the built daemons are, as recorded when the tests were built.</summary>
public static class Repo
{
    public static string Root { get; } = Metadata("RepoRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    public static string ServerDll => Path.Combine(Root, "server", "bin", Configuration, "net10.0", "Relay.Server.dll");

    public static string ClientDll => Path.Combine(Root, "client", "bin", Configuration, "net10.0", "Relay.Client.dll");

    /// <summary>The <c>relay</c> command (tools/relay).</summary>
    public static string CliDll => Path.Combine(Root, "tools", "relay", "bin", Configuration, "net10.0", "relay.dll");

    private static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
