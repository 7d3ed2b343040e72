using System.Net;

namespace Relay.Tests.Integration;

public sealed class DashboardTests : AppTest
{
    [Theory]
    [InlineData("/dashboard", "text/html")]
    [InlineData("/dashboard/dashboard.js", "text/javascript")]
    [InlineData("/dashboard/dashboard.css", "text/css")]
    public async Task ThePageAndItsAssetsAreServedByRelayWithoutAKeyAndLoadNothingFromElsewhere(
        string path,
        string mediaType
    )
    {
        using var answer = await App.CreateClientWithKey(null).GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(mediaType, answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "default-src 'self'; frame-ancestors 'none'",
            answer.Headers.GetValues("Content-Security-Policy").Single()
        );
        Assert.DoesNotContain("http", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDashboardWithATrailingSlashGoesToThePage()
    {
        using var answer = await App.CreateClientWithKey(null).GetAsync("/dashboard/");

        // Redirected (308), and the client followed it to the page.
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("/dashboard", answer.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
    }
}
