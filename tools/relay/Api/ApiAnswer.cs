using System.Text.Json.Nodes;

namespace Relay.Cli.Api;

/// <summary>A successful answer of the server: its status and JSON body (null when it had none).</summary>
internal sealed record ApiAnswer(int Status, JsonNode? Json, string Text)
{
    public JsonNode Body =>
        Json ?? throw new CommandFailure(ExitCodes.Failed, $"the server answered {Status} without a body");

    public long Id =>
        Body["id"]?.GetValue<long>() ?? throw new CommandFailure(ExitCodes.Failed, "the answer has no id");
}
