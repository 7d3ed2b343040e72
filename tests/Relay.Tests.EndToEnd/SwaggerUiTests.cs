using Microsoft.Playwright;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// Swagger UI in a real headless Chromium (Debian's, as Playwright cannot download its own here):
/// enter the API key, try examples as they are and see them change nothing (an id no record has, a dry run of
/// deleting all from all), run "send one personnel to one client" from the page, see the row arrive.
/// </summary>
public sealed class SwaggerUiTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly RelayStack _stack = new(clients: 1);

    public Task InitializeAsync() => _stack.StartAsync();

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task SendingOnePersonnelToOneClientFromSwaggerUiReachesTheClient()
    {
        Assert.True(
            File.Exists(Chromium),
            "chromium is not installed; `.ci/run` installs it (apt-get install chromium)"
        );
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new()
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args =
                [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            }
        );
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync($"{_stack.Server.Url}/swagger");

        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux input").FillAsync(RelayStack.ApiKey);
        await page.Locator(".modal-ux .auth-btn-wrapper button.authorize").ClickAsync();
        await page.Locator(".modal-ux button.btn-done").ClickAsync();

        // Tried as it is, an example changes nothing: its id is one no client has.
        var clientsBefore = await AddressesAsync();
        var update = page.Locator("#operations-Clients-UpdateClient");
        await update.Locator(".opblock-summary").ClickAsync();
        await update.Locator("button.try-out__btn").ClickAsync();
        await update.Locator("button.execute").ClickAsync();
        await Assertions
            .Expect(update.Locator(".live-responses-table tbody .response-col_status").First)
            .ToHaveTextAsync("404");
        Assert.Equal(clientsBefore, await AddressesAsync());

        // The widest operation, tried as it is, only previews: dryRun comes filled in as true.
        var deleteAll = page.Locator("#operations-Operations-DeleteAllPersonnelFromAllClients");
        await deleteAll.Locator(".opblock-summary").ClickAsync();
        await deleteAll.Locator("button.try-out__btn").ClickAsync();
        await deleteAll.Locator("button.execute").ClickAsync();
        await Assertions
            .Expect(deleteAll.Locator(".live-responses-table tbody .response-col_status").First)
            .ToHaveTextAsync("200");
        Assert.Empty((await _stack.Api.JsonAsync("/operations"))["items"]!.AsArray());

        var operation = page.Locator("#operations-Operations-SendOnePersonnelToOneClient");
        await operation.Locator(".opblock-summary").ClickAsync();
        await operation.Locator("button.try-out__btn").ClickAsync();
        await operation.Locator("tr[data-param-name='clientId'] input").FillAsync(_stack.ClientIds[0].ToString());
        await operation.Locator("tr[data-param-name='personnelId'] input").FillAsync(newton.ToString());
        await operation.Locator("tr[data-param-name='dryRun'] select").SelectOptionAsync("false");
        await operation.Locator("button.execute").ClickAsync();

        var status = operation.Locator(".live-responses-table tbody .response-col_status").First;
        await Assertions.Expect(status).ToHaveTextAsync("202");
        var rows = await Eventually.ReturnsAsync(
            _stack.Clients[0].StoredRowsAsync,
            r => r.Length == 1,
            because: "the row arrives on the client"
        );
        Assert.Equal(newton, rows[0].Id);
    }

    /// <summary>What an update could change: each client's name and address (its last contact moves by
    /// itself).</summary>
    private async Task<string[]> AddressesAsync() =>
        [
            .. (await _stack.Api.JsonAsync("/clients"))["items"]!
                .AsArray()
                .Select(c => $"{c!["id"]} {c["name"]} {c["host"]}:{c["port"]}"),
        ];
}
