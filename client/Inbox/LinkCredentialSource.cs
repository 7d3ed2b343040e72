using Microsoft.Extensions.Options;
using Relay.Client.Settings;
using Relay.Contracts.Protocol;

namespace Relay.Client.Inbox;

/// <summary>
/// This client's link credential, from <c>Client:Credential</c> or read again from
/// <c>Client:CredentialFile</c> at every connection: a rotated credential dropped into the file
/// is used from the next connection on, with no restart, and a daemon may start before the file
/// exists (compose starts it beside the server that writes it).
/// </summary>
internal sealed class LinkCredentialSource(IOptions<ClientOptions> options)
{
    public bool TryGet(out LinkCredential? credential, out string problem)
    {
        var settings = options.Value;
        if (!string.IsNullOrEmpty(settings.Credential))
        {
            return Parse(settings.Credential, "Client:Credential", out credential, out problem);
        }

        string text;
        try
        {
            text = File.ReadAllText(settings.CredentialFile!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            credential = null;
            problem = $"Client:CredentialFile '{settings.CredentialFile}' cannot be read ({e.Message})";
            return false;
        }

        return Parse(text, $"Client:CredentialFile '{settings.CredentialFile}'", out credential, out problem);
    }

    private static bool Parse(string text, string setting, out LinkCredential? credential, out string problem)
    {
        if (LinkCredential.TryParse(text, out credential, out var why))
        {
            problem = "";
            return true;
        }

        problem = $"{setting} is not a link credential: {why}";
        return false;
    }
}
