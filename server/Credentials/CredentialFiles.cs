using Relay.Contracts.Protocol;

namespace Relay.Server.Credentials;

/// <summary>
/// Hands seeded clients their credentials on the same machine or volume (make run, docker
/// compose): the file is written readable by its owner only, replaced in one rename, and left
/// alone when it already holds the credential.
/// </summary>
internal static class CredentialFiles
{
    public static async Task<bool> WriteAsync(string path, LinkCredential credential, CancellationToken ct)
    {
        var text = credential.Encode() + "\n";
        if (File.Exists(path) && await File.ReadAllTextAsync(path, ct) == text)
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(temporary, options))
        {
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
        }

        File.Move(temporary, path, overwrite: true);
        return true;
    }
}
