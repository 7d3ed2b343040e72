namespace Relay.Cli.Api;

/// <summary>
/// Finds the API key: the file named by <c>--api-key-file</c> or <c>RELAY_API_KEY_FILE</c> (a
/// mounted secret), else <c>RELAY_API_KEY</c>. There is no option taking the key itself: a command
/// line is visible to every user of the machine in its process list.
/// </summary>
internal static class ApiKey
{
    public static string Find(string? file)
    {
        file ??= Environment.GetEnvironmentVariable("RELAY_API_KEY_FILE");
        if (!string.IsNullOrEmpty(file))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandFailure(ExitCodes.Usage, $"cannot read the API key file {file}: {e.Message}");
            }

            var key = text.Trim();
            return key.Length > 0
                ? key
                : throw new CommandFailure(ExitCodes.Usage, $"the API key file {file} is empty");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("RELAY_API_KEY")?.Trim();
        return string.IsNullOrEmpty(fromEnvironment)
            ? throw new CommandFailure(
                ExitCodes.Usage,
                "no API key: set RELAY_API_KEY, or name a file holding it with --api-key-file or RELAY_API_KEY_FILE"
            )
            : fromEnvironment;
    }
}
