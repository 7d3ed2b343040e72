using System.Text.Json.Nodes;
using Relay.Testing;
using YamlDotNet.RepresentationModel;

namespace Relay.Tests.Integration;

public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly ServerApp _app = new();

    public Task InitializeAsync() => ((IAsyncLifetime)_app).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task OpenApiYamlDescribesTheSamePathsParametersAndSchemasAsTheServedDocument()
    {
        var http = _app.CreateClient();
        var file = Path.Combine(Repo.Root, "openapi.yaml");
        if (Environment.GetEnvironmentVariable("RELAY_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(file, await http.GetStringAsync("/swagger/v1/swagger.yaml"));
        }

        var served = Canonical(JsonNode.Parse(await http.GetStringAsync("/swagger/v1/swagger.json")));
        var written = Canonical(YamlToJson(await File.ReadAllTextAsync(file)));

        var differences = new List<string>();
        foreach (var section in new[] { "paths", "components" })
        {
            Diff($"/{section}", served![section], written![section], differences);
        }

        Assert.True(differences.Count == 0,
            "openapi.yaml and the served document disagree (run `make openapi` after an intended API change):\n" + string.Join('\n', differences.Take(30)));
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        var page = await _app.CreateClient().GetStringAsync("/swagger/index.html");

        Assert.Contains("swagger-ui", page);
    }

    private static void Diff(string at, JsonNode? served, JsonNode? written, List<string> differences)
    {
        switch (served, written)
        {
            case (JsonObject s, JsonObject w):
                foreach (var key in s.Select(p => p.Key).Union(w.Select(p => p.Key)))
                {
                    Diff($"{at}/{key}", s[key], w[key], differences);
                }

                break;
            case (JsonArray s, JsonArray w) when s.Count == w.Count:
                for (var i = 0; i < s.Count; i++)
                {
                    Diff($"{at}/{i}", s[i], w[i], differences);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(served, written))
                {
                    differences.Add($"{at}: served {served?.ToJsonString() ?? "nothing"}, openapi.yaml has {written?.ToJsonString() ?? "nothing"}");
                }

                break;
        }
    }

    /// <summary>Every scalar as a string, so YAML's untyped scalars compare equal to JSON's typed ones.</summary>
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        JsonValue v => JsonValue.Create(v.ToString()),
        _ => null,
    };

    private static JsonNode? YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
            YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
            YamlScalarNode { Value: var v, Style: var style } => v is null || (v is "null" or "~" && style == YamlDotNet.Core.ScalarStyle.Plain) ? null : JsonValue.Create(v),
            _ => null,
        };
    }
}
