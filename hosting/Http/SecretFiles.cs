using Microsoft.Extensions.Configuration;

namespace Relay.Hosting.Http;

/// <summary>
/// Any setting may be given as the path of a file that holds it, by adding <c>_FILE</c> to its
/// name (<c>Auth__ApiKey_FILE=/run/secrets/api-key</c>): how container secrets are mounted, and
/// the value never appears in the environment or <c>docker inspect</c>.
/// </summary>
public static class SecretFiles
{
    private const string Suffix = "_FILE";

    /// <summary>Reads each <c>X_FILE</c> file into <c>X</c>; returns one line for each file that cannot be
    /// read.</summary>
    public static IReadOnlyList<string> Load(IConfigurationManager configuration)
    {
        var values = new Dictionary<string, string?>();
        var failures = new List<string>();
        foreach (var (key, path) in configuration.AsEnumerable())
        {
            // Only sectioned settings (Auth__ApiKey_FILE): the environment holds other tools' *_FILE variables.
            if (
                !key.Contains(':', StringComparison.Ordinal)
                || !key.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrEmpty(path)
            )
            {
                continue;
            }

            try
            {
                // A trailing newline is how editors and `echo` save a file, not part of the secret.
                values[key[..^Suffix.Length]] = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception e)
                when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                failures.Add($"{key}: cannot read '{path}' ({e.Message})");
            }
        }

        configuration.AddInMemoryCollection(values);
        return failures;
    }
}
