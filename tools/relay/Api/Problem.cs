using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Relay.Cli.Api;

/// <summary>Turns an error answer (RFC 7807 problem details) into the exit code and the line a user reads.</summary>
internal static class Problem
{
    public static CommandFailure From(HttpStatusCode status, string text)
    {
        var code = (int)status;
        var exit = code switch
        {
            409 => ExitCodes.Failed,
            429 or 503 => ExitCodes.Unreachable,
            >= 400 and < 500 => ExitCodes.Usage,
            _ => ExitCodes.Failed,
        };
        return new CommandFailure(exit, Describe(code, text), text);
    }

    /// <summary>"401 Unauthorized: title detail", then one indented line per field error or bad import line.</summary>
    public static string Describe(int status, string text)
    {
        var message = new StringBuilder($"the server answered {status}");
        JsonNode? problem = null;
        try
        {
            problem = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not problem details (a proxy's page, say): the status alone says enough.
        }

        if (problem is not JsonObject fields)
        {
            return message.Append(status == 401 ? ": the API key was refused" : "").ToString();
        }

        message.Append(": ").Append(fields["title"]?.ToString());
        if (fields["detail"]?.ToString() is { Length: > 0 } detail)
        {
            message.Append(' ').Append(detail);
        }

        if (fields["errors"] is JsonObject errors)
        {
            foreach (var (field, reasons) in errors)
            {
                foreach (var reason in reasons?.AsArray() ?? [])
                {
                    message.Append($"\n  {field}: {reason}");
                }
            }
        }

        if (fields["lines"] is JsonArray lines)
        {
            foreach (var line in lines)
            {
                message.Append($"\n  line {line?["line"]}, {line?["field"]}: {line?["message"]}");
            }
        }

        return message.ToString();
    }
}
