using System.Net;
using System.Text.Json.Nodes;

namespace Relay.Tests.Integration;

public sealed class DaemonInfoTests : AppTest
{
    [Fact]
    public async Task TheRootSaysWhichDaemonThisIsWithoutAKeyAndEveryLinkAnswers()
    {
        using var anonymous = App.CreateClientWithKey(null);

        using var root = await anonymous.GetAsync("/");
        var info = JsonNode.Parse(await root.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("relay-server", (string?)info["name"]);
        Assert.False(string.IsNullOrEmpty((string?)info["version"]));
        foreach (var (name, link) in info["links"]!.AsObject())
        {
            using var answer = await Http.GetAsync((string)link!);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{name} ({link}) answered {(int)answer.StatusCode}");
        }
    }

    [Theory]
    [InlineData("/health?verbose=1")]
    [InlineData("/health/ready?x=1")]
    [InlineData("/metrics?name=relay")]
    [InlineData("/?format=xml")]
    public async Task OpenRoutesRefuseQueryParametersTheyDoNotTake(string path)
    {
        using var answer = await App.CreateClientWithKey(null).GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
    }
}
