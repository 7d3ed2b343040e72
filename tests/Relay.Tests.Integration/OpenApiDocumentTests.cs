namespace Relay.Tests.Integration;

public sealed class OpenApiDocumentTests : AppTest
{
    [Fact]
    public async Task OpenApiYamlIsTheDocumentTheServerServes()
    {
        // Read as if from where make run publishes the server, the address the checked-in file names.
        var differences = await OpenApiFile.DifferencesAsync(
            App.CreateClient(new() { BaseAddress = new Uri("http://127.0.0.1:8080") }),
            Path.Combine(Repo.Root, "openapi.yaml")
        );

        Assert.True(
            differences.Count == 0,
            "openapi.yaml and the served document disagree (run `make openapi` after an intended API change):\n"
                + string.Join('\n', differences.Take(30))
        );
    }

    [Fact]
    public async Task TheDocumentGivesBoundsExamplesErrorAnswersAndSecurityForEveryRoute()
    {
        var document = await OpenApiFile.ServedAsync(App.CreateClient());

        var breaches = OpenApiFile.RuleBreaches(document, storeBehind: true);

        Assert.True(breaches.Count == 0, string.Join('\n', breaches));
        Assert.Empty(document["paths"]!["/health"]!["get"]!["security"]!.AsArray());
        Assert.Equal(
            ["pending", "failed"],
            document["paths"]!["/messages"]!["get"]!["parameters"]!
                .AsArray()
                .Single(p => (string)p!["name"]! == "state")!["schema"]!["enum"]!
                .AsArray()
                .Select(v => (string)v!)
        );
    }

    [Fact]
    public async Task ADocumentReadFromElsewhereNamesThatDaemonFirstSoGeneratedClientsCallIt()
    {
        var here = App.CreateClient(new() { BaseAddress = new Uri("https://relay.example:9443") });
        var home = App.CreateClient(new() { BaseAddress = new Uri("http://127.0.0.1:8080") });

        var fromElsewhere = (await OpenApiFile.ServedAsync(here))["servers"]!.AsArray();
        var fromHome = (await OpenApiFile.ServedAsync(home))["servers"]!.AsArray();

        Assert.Equal(
            ["https://relay.example:9443", "http://127.0.0.1:8080"],
            fromElsewhere.Select(s => (string)s!["url"]!)
        );
        Assert.Equal(["http://127.0.0.1:8080"], fromHome.Select(s => (string)s!["url"]!));
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        var page = await App.CreateClient().GetStringAsync("/swagger/index.html");

        Assert.Contains("swagger-ui", page);
    }
}
