namespace Relay.Cli.Terminal;

/// <summary>Writes a file only its owner can read (a credential, an export of personal data).</summary>
internal static class SecretFile
{
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its mode on open: narrow it too.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return stream;
    }

    public static async Task WriteAsync(string path, string text, CancellationToken ct)
    {
        await using var stream = Create(path);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), ct);
    }
}
