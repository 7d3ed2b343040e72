using System.Text.RegularExpressions;
using System.Xml.Linq;
using Relay.Testing;

namespace Relay.Tests.Unit;

/// <summary>
/// The folders of each project are the data path, and none imports one that imports it back
/// (directly or around a circle): a newcomer can read from the HTTP endpoint to the client's row
/// without going in circles. Read from the sources, which works because every folder is one flat
/// namespace: a file names another folder's types only through a <c>using</c> or a qualified
/// name, or, for the project's root namespace, by the bare type name.
/// </summary>
public sealed partial class FolderDependencyTests
{
    public static TheoryData<string, string> Projects =>
        new()
        {
            { "server", "Relay.Server" },
            { "client", "Relay.Client" },
            { "contracts", "Relay.Contracts" },
            { "hosting", "Relay.Hosting" },
        };

    [Theory]
    [MemberData(nameof(Projects))]
    public void EveryFileIsInTheNamespaceItsFolderNames(string project, string rootNamespace)
    {
        var wrong = Sources(project)
            .Where(s => s.Namespace != (s.Folder == Root ? rootNamespace : $"{rootNamespace}.{s.Folder}"))
            .Where(s => s is not { Path: "Program.cs", Namespace: TopLevel })
            .Select(s => $"{s.Path}: namespace {s.Namespace}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void NoFolderImportsOneThatImportsItBack(string project, string rootNamespace)
    {
        var sources = Sources(project);
        var rootTypes = sources.Where(s => s.Folder == Root).SelectMany(s => TypeNames(s.Text)).ToHashSet();
        var edges = new Dictionary<string, Dictionary<string, SortedSet<string>>>();
        foreach (var source in sources)
        {
            var used = Regex
                .Matches(source.Text, $@"\b{Regex.Escape(rootNamespace)}\.(\w+)")
                .Select(m => m.Groups[1].Value)
                .ToHashSet();
            if (source.Folder != Root && rootTypes.Any(t => Regex.IsMatch(source.Text, $@"\b{t}\b")))
            {
                used.Add(Root);
            }

            foreach (var folder in used.Where(f => f != source.Folder))
            {
                var from = edges.TryGetValue(source.Folder, out var known) ? known : edges[source.Folder] = [];
                (from.TryGetValue(folder, out var files) ? files : from[folder] = []).Add(
                    Path.GetFileName(source.Path)
                );
            }
        }

        var circular = edges
            .SelectMany(e => e.Value.Select(to => (From: e.Key, To: to.Key, Files: to.Value)))
            .Where(e => Reaches(edges, e.To, e.From))
            .Select(e => $"{e.From} -> {e.To} ({string.Join(", ", e.Files)})")
            .ToList();
        Assert.True(
            circular.Count == 0,
            $"Folders of {project}/ that import each other (around a circle):\n{string.Join('\n', circular)}"
        );
    }

    [Fact]
    public void ContractsAndHostingImportNothingOfOursAndTheDaemonsOnlyThoseTwo()
    {
        Assert.Empty(ProjectReferences("contracts/Relay.Contracts.csproj"));
        Assert.Empty(ProjectReferences("hosting/Relay.Hosting.csproj"));
        Assert.Equal(
            ["Relay.Contracts.csproj", "Relay.Hosting.csproj"],
            ProjectReferences("server/Relay.Server.csproj")
        );
        Assert.Equal(
            ["Relay.Contracts.csproj", "Relay.Hosting.csproj"],
            ProjectReferences("client/Relay.Client.csproj")
        );
    }

    private const string Root = "(root)";

    /// <summary>The namespace of top-level statements: only a daemon's Program.cs may have it.</summary>
    private const string TopLevel = "(global)";

    private static bool Reaches(Dictionary<string, Dictionary<string, SortedSet<string>>> edges, string from, string to)
    {
        var seen = new HashSet<string> { from };
        var next = new Stack<string>([from]);
        while (next.TryPop(out var folder))
        {
            if (folder == to)
            {
                return true;
            }

            foreach (var target in edges.GetValueOrDefault(folder)?.Keys ?? Enumerable.Empty<string>())
            {
                if (seen.Add(target))
                {
                    next.Push(target);
                }
            }
        }

        return false;
    }

    private static List<Source> Sources(string project)
    {
        var directory = Path.Combine(Repo.Root, project);
        return Directory
            .EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(directory, path))
            .Where(path =>
                !path.StartsWith("obj" + Path.DirectorySeparatorChar)
                && !path.StartsWith("bin" + Path.DirectorySeparatorChar)
            )
            .Select(path =>
            {
                var text = File.ReadAllText(Path.Combine(directory, path));
                var folder = Path.GetDirectoryName(path) is { Length: > 0 } dir
                    ? dir.Replace(Path.DirectorySeparatorChar, '.')
                    : Root;
                var ns = NamespaceLine().Match(text) is { Success: true } m ? m.Groups[1].Value : TopLevel;
                return new Source(path, folder, ns, text);
            })
            .ToList();
    }

    private static IEnumerable<string> TypeNames(string text) =>
        TypeDeclaration().Matches(text).Select(m => m.Groups[1].Value).Where(t => t != "Program");

    private static List<string> ProjectReferences(string csproj) =>
        [
            .. XDocument
                .Load(Path.Combine(Repo.Root, csproj))
                .Descendants("ProjectReference")
                .Select(r => Path.GetFileName(r.Attribute("Include")!.Value))
                .Order(),
        ];

    private sealed record Source(string Path, string Folder, string Namespace, string Text);

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(
        @"^(?:public|internal)\s+(?:(?:static|sealed|abstract|partial|readonly)\s+)*(?:class|record|struct|enum|interface)\s+(\w+)",
        RegexOptions.Multiline
    )]
    private static partial Regex TypeDeclaration();
}
