using System.Reflection;
using System.Text.RegularExpressions;
using Relay.Testing;
using YamlDotNet.RepresentationModel;

namespace Relay.Tests.Unit;

/// <summary>
/// The README and docs/ as a reader uses them: every link leads somewhere, every <c>make</c> target,
/// file, setting and API route they name exists. (The README's CI recipe is run for real in the end-to-end
/// suite, and <c>make run</c> by the acceptance smoke.)
/// </summary>
public sealed partial class DocsTests
{
    public static TheoryData<string> Pages() =>
        [
            "README.md",
            .. Directory
                .GetFiles(Path.Combine(Repo.Root, "docs"), "*.md")
                .Select(p => Path.GetRelativePath(Repo.Root, p))
                .Order(StringComparer.Ordinal),
            "contracts/PROTOCOL.md",
        ];

    [Fact]
    public void TheReadmeGetsOutOfTheWay()
    {
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, "README.md"));

        Assert.True(lines.Length <= 250, $"README.md has {lines.Length} lines; the rest belongs in docs/");
        Assert.Equal("make run", MakeCommand().Match(lines[3]).Value.Trim());
        Assert.Equal("make test", MakeCommand().Match(lines[4]).Value.Trim());
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLinkLeadsToAFileAndEveryAnchorToAHeading(string page)
    {
        var text = Read(page);
        var broken = new List<string>();
        foreach (Match link in Link().Matches(text))
        {
            var target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith('/'))
            {
                continue;
            }

            var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
            var path =
                file.Length == 0
                    ? Path.Combine(Repo.Root, page)
                    : Path.GetFullPath(Path.Combine(Repo.Root, Path.GetDirectoryName(page)!, file));
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                broken.Add(target);
            }
            else if (anchor is not null && !Anchors(File.ReadAllText(path)).Contains(anchor))
            {
                broken.Add(target);
            }
        }

        Assert.True(broken.Count == 0, $"{page} links nowhere: {string.Join(", ", broken)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryMakeTargetNamedExists(string page)
    {
        var targets = File.ReadAllLines(Path.Combine(Repo.Root, "Makefile"))
            .Select(l => Target().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToHashSet();

        var unknown = MakeCommand()
            .Matches(Read(page))
            .Select(m => m.Groups["target"].Value)
            .Where(t => !targets.Contains(t))
            .Distinct()
            .ToList();

        Assert.True(unknown.Count == 0, $"{page} names make targets the Makefile lacks: {string.Join(", ", unknown)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRepositoryFileNamedExists(string page)
    {
        var missing = RepoPath()
            .Matches(Read(page))
            .Select(m => m.Groups["path"].Value)
            .Where(p => !File.Exists(Path.Combine(Repo.Root, p)) && !Directory.Exists(Path.Combine(Repo.Root, p)))
            .Except(WrittenByCommands)
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, $"{page} names files that do not exist: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EverySettingNamedIsOneADaemonReads(string page)
    {
        var known = KnownSettings();

        var unknown = Setting()
            .Matches(Read(page))
            .Select(m => m.Value)
            .Where(s => !known.Contains(Regex.Replace(s, ":[0-9N]+(?=:|$)", ":0")))
            .Except(DeliberateSlips)
            .Distinct()
            .ToList();

        Assert.True(unknown.Count == 0, $"{page} names settings no daemon reads: {string.Join(", ", unknown)}");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryServerCallInACommandIsARouteTheApiDescribes(string page)
    {
        var routes = ServerRoutes();

        var unknown = Curl()
            .Matches(Read(page))
            .Select(m =>
                (Method: m.Groups["method"].Success ? m.Groups["method"].Value : "GET", m.Groups["path"].Value)
            )
            .Where(c => !routes.Any(r => r.Method == c.Method && r.Path.IsMatch(c.Value)))
            .Select(c => $"{c.Method} {c.Value}")
            .Distinct()
            .ToList();

        Assert.True(unknown.Count == 0, $"{page} calls routes openapi.yaml lacks: {string.Join(", ", unknown)}");
    }

    /// <summary>Files a command writes (<c>make bench</c>'s results), not kept in the repository.</summary>
    private static readonly string[] WrittenByCommands = ["bench/results.json"];

    /// <summary>Misspelled on purpose, to show what a daemon says of a key it does not read.</summary>
    private static readonly string[] DeliberateSlips = ["Delivery:PollIntervall"];

    private static string Read(string page) => File.ReadAllText(Path.Combine(Repo.Root, page));

    /// <summary>GitHub's anchors: headings lowercased, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown) =>
        Heading()
            .Matches(markdown)
            .Select(m =>
                Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), "[^a-z0-9 _-]", "").Replace(' ', '-')
            )
            .ToHashSet();

    private static HashSet<string> KnownSettings()
    {
        var server =
            (IReadOnlyList<Relay.Hosting.Http.SettingSection>)
                typeof(Relay.Server.Delivery.DeliveryOptions)
                    .Assembly.GetType("Relay.Server.SettingSections", throwOnError: true)!
                    .GetField("All", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!
                    .GetValue(null)!;
        var sections = server
            .Concat(Relay.Client.Settings.ClientOptionsSetup.Sections)
            .DistinctBy(s => s.Name)
            .ToDictionary(s => s.Name, s => s.Type);
        var known = new HashSet<string> { "ConnectionStrings:Relay", "Settings:Strict" };
        foreach (var (section, type) in sections)
        {
            Add(section, type);
        }

        return known;

        void Add(string prefix, Type type)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var key = $"{prefix}:{property.Name}";
                known.Add(key);
                var element = property.PropertyType.IsGenericType
                    ? property.PropertyType.GetGenericArguments()[0]
                    : null;
                if (element is not null && element != typeof(string) && !element.IsValueType)
                {
                    Add($"{key}:0", element);
                }
                else if (element is not null)
                {
                    known.Add($"{key}:0");
                }
            }
        }
    }

    private static List<(string Method, Regex Path)> ServerRoutes()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Repo.Root, "openapi.yaml"))));
        var paths = (YamlMappingNode)
            ((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("paths")];
        return
        [
            .. paths.Children.SelectMany(p =>
                ((YamlMappingNode)p.Value).Children.Select(m =>
                    (
                        ((YamlScalarNode)m.Key).Value!.ToUpperInvariant(),
                        new Regex(
                            "^"
                                + Regex.Replace(Regex.Escape(((YamlScalarNode)p.Key).Value!), @"\\\{[^}]*}", "[^/?]+")
                                + @"/?(\?.*)?$"
                        )
                    )
                )
            ),
        ];
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    // In code: after a backtick, at the start of a line, or after `RELAY_...=value ` (a setting for that run).
    [GeneratedRegex(@"(?:`|^\s*|=\S+ )make (?<target>[a-z][a-z0-9-]*)\b", RegexOptions.Multiline)]
    private static partial Regex MakeCommand();

    [GeneratedRegex(@"^([a-z][a-z0-9-]*):", RegexOptions.Multiline)]
    private static partial Regex Target();

    [GeneratedRegex(
        @"`(?<path>(?:server|client|contracts|hosting|tests|bench|scripts|compose|docs|tools)/[A-Za-z0-9_./-]*[A-Za-z0-9_])`"
    )]
    private static partial Regex RepoPath();

    [GeneratedRegex(
        @"\b(?:Auth|Audit|Client|Credentials|Database|Delivery|Limits|Outbox|Seed|Settings|Tracing):[A-Z][A-Za-z0-9]*(?::(?:[0-9]+|N)(?::[A-Z][A-Za-z0-9]*)?)?"
    )]
    private static partial Regex Setting();

    // A call to the server in a command: `curl [-X METHOD] ... $S/path` or `$RELAY_URL/path`.
    [GeneratedRegex(
        @"curl\b[^\n]*?(?:-X\s+(?<method>[A-Z]+)\b[^\n]*?)?\$(?:S|RELAY_URL|\{RELAY_URL\})(?<path>/[^\s""']*)"
    )]
    private static partial Regex Curl();
}
