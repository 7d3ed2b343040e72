using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Relay.Testing;

/// <summary>
/// A daemon's checked-in API description (openapi.yaml, client/openapi.yaml) against the one it
/// serves, and the rules users asked of both beyond what the linter checks.
/// </summary>
public static class OpenApiFile
{
    /// <summary>
    /// Where <paramref name="file"/> and the document served by <paramref name="http"/> disagree; with
    /// <c>RELAY_UPDATE_OPENAPI=1</c> (<c>make openapi</c>) the file is rewritten from the served one first.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DifferencesAsync(HttpClient http, string file)
    {
        var json = file.EndsWith(".json", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("RELAY_UPDATE_OPENAPI") == "1")
        {
            var format = json ? "json" : "yaml";
            await File.WriteAllTextAsync(file, await http.GetStringAsync($"/swagger/v1/swagger.{format}"));
        }

        var served = Canonical(JsonNode.Parse(await http.GetStringAsync("/swagger/v1/swagger.json")));
        var text = await File.ReadAllTextAsync(file);
        var written = Canonical(json ? JsonNode.Parse(text) : YamlToJson(text));
        var differences = new List<string>();
        Diff("", served, written, differences);
        return differences;
    }

    /// <summary>The served document, parsed.</summary>
    public static async Task<JsonObject> ServedAsync(HttpClient http) =>
        JsonNode.Parse(await http.GetStringAsync("/swagger/v1/swagger.json"))!.AsObject();

    /// <summary>
    /// What a code generator or a Swagger UI user needs beyond the linter's rules: bounds on
    /// <c>limit</c> and <c>wait</c>, an enum on <c>state</c>, an example for every request body, a
    /// problem-details 413 and 415 where a body is taken, an <c>errors</c> map on 409 and 413, <c>Retry-After</c>
    /// on 429 and 503, absolute server URLs, 401 and 429 on every keyed route, <c>security: []</c>
    /// on open ones, and (<paramref name="storeBehind"/>) a 503 on every keyed route.
    /// </summary>
    public static IReadOnlyList<string> RuleBreaches(JsonObject document, bool storeBehind)
    {
        var breaches = new List<string>();
        if (
            document["servers"] is not JsonArray { Count: > 0 } servers
            || servers.Any(s => !Uri.TryCreate((string?)s?["url"], UriKind.Absolute, out _))
        )
        {
            breaches.Add("no servers, or one without an absolute URL a generated client can call");
        }

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                var operation = node!.AsObject();
                var at = $"{method.ToUpperInvariant()} {path}";
                foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
                {
                    var name = (string)parameter!["name"]!;
                    var schema = parameter["schema"]!;
                    if (name is "limit" or "wait" && (schema["minimum"] is null || schema["maximum"] is null))
                    {
                        breaches.Add($"{at}: {name} has no minimum or maximum");
                    }

                    if (name == "state" && schema["enum"] is not JsonArray { Count: > 0 })
                    {
                        breaches.Add($"{at}: state has no enum");
                    }
                }

                var responses = operation["responses"]!.AsObject();
                if (operation["requestBody"] is { } body)
                {
                    foreach (var (mediaType, media) in body["content"]!.AsObject())
                    {
                        if (media!["example"] is null && media["examples"] is null)
                        {
                            breaches.Add($"{at}: no example for {mediaType}");
                        }
                    }

                    RequireProblem(at, responses, "413", breaches);
                    RequireProblem(at, responses, "415", breaches);
                }

                foreach (var status in (string[])["409", "413"])
                {
                    if (
                        responses[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"] is { } schema
                        && !((string)schema!).EndsWith("/HttpValidationProblemDetails", StringComparison.Ordinal)
                    )
                    {
                        breaches.Add($"{at}: {status} does not declare its errors map");
                    }
                }

                foreach (var status in (string[])["429", "503"])
                {
                    if (
                        responses[status]?["content"]?["application/problem+json"] is not null
                        && responses[status]!["headers"]?["Retry-After"] is null
                    )
                    {
                        breaches.Add($"{at}: {status} does not declare Retry-After");
                    }
                }

                if (operation["security"] is JsonArray { Count: 0 })
                {
                    continue;
                }

                if (operation["security"] is not JsonArray { Count: > 0 })
                {
                    breaches.Add($"{at}: neither keyed nor open (security)");
                }

                RequireProblem(at, responses, "401", breaches);
                RequireProblem(at, responses, "429", breaches);
                if (storeBehind)
                {
                    RequireProblem(at, responses, "503", breaches);
                }
            }
        }

        return breaches;
    }

    private static void RequireProblem(string at, JsonObject responses, string status, List<string> breaches)
    {
        if (responses[status]?["content"]?["application/problem+json"] is null)
        {
            breaches.Add($"{at}: no {status} problem details");
        }
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
                    differences.Add(
                        $"{at}: served {served?.ToJsonString() ?? "nothing"}, the file has {written?.ToJsonString() ?? "nothing"}"
                    );
                }

                break;
        }
    }

    /// <summary>Every scalar as a string, so YAML's untyped scalars compare equal to JSON's typed ones.</summary>
    private static JsonNode? Canonical(JsonNode? node) =>
        node switch
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

        static JsonNode? Convert(YamlNode node) =>
            node switch
            {
                YamlMappingNode m => new JsonObject(
                    m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))
                ),
                YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
                YamlScalarNode { Value: var v, Style: var style } => v is null
                || (v is "null" or "~" && style == YamlDotNet.Core.ScalarStyle.Plain)
                    ? null
                    : JsonValue.Create(v),
                _ => null,
            };
    }
}
