using Microsoft.Playwright;
using Relay.Testing;

namespace Relay.Tests.EndToEnd;

/// <summary>
/// The dashboard in a real headless Chromium (Debian's), against a real stack: what an operator
/// sees when an operation runs, a site goes down and comes back, and a client refuses a message.
/// Screenshots of each state go to TestResults/dashboard (git-ignored) for a person to look at.
/// </summary>
[TakesAbout(100)]
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string Screenshots = Path.Combine(Repo.Root, "TestResults", "dashboard");
    private readonly RelayStack _stack = new(clients: 2);
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        Assert.True(
            File.Exists(Chromium),
            "chromium is not installed; `.ci/run` installs it (apt-get install chromium)"
        );
        await _stack.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(
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
        _page = await _browser.NewPageAsync(
            new()
            {
                ViewportSize = new() { Width = 1280, Height = 800 },
            }
        );
        _page.SetDefaultTimeout(20_000);
        Assertions.SetDefaultExpectTimeout(20_000);
        await _page.GotoAsync($"{_stack.Server.Url}/dashboard");
        await _page.Locator("#key").FillAsync(RelayStack.ApiKey);
        await _page.Locator("#key-form button").ClickAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task ThePageListsTheClientsAndAnOperationsBarReachesAHundredPercent()
    {
        await Assertions.Expect(_page.Locator("#fleet tbody tr")).ToHaveCountAsync(2);
        await Assertions
            .Expect(_page.Locator("#states button[data-state='upToDate']"))
            .ToHaveTextAsync("Up to date: 2");
        await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");

        var (status, body) = await _stack.Api.SendJsonAsync(HttpMethod.Put, "/clients/all/personnel");
        Assert.Equal(202, status);

        var operation = _page.Locator($"#operations li[data-operation-id='{body["id"]}']");
        await Assertions.Expect(operation.Locator(".percent")).ToHaveTextAsync("100 %");
        await Assertions
            .Expect(operation.Locator("progress"))
            .ToHaveAttributeAsync("aria-label", $"Operation {body["id"]}: 100 % of clients done");
        await ShotAsync("operation-done");
        await _page.SetViewportSizeAsync(420, 900);
        await ShotAsync("narrow-screen");
    }

    [Fact]
    public async Task AStoppedClientTurnsUnreachableEvenWithNothingToSendAndItsLagShowsInTheOperationAndTheSort()
    {
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        var down = _stack.ClientIds[1];
        var row = _page.Locator($"#fleet tbody tr[data-client-id='{down}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "upToDate");
        await _stack.Clients[1].Process!.StopAsync();

        // Nothing is waiting for it: the server's watch on the idle connection tells.
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "unreachable");
        await Assertions.Expect(row.Locator("td .state")).ToHaveTextAsync("Unreachable");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("0");
        await ShotAsync("client-down-idle");

        var (status, body) = await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/all/personnel/{newton}");
        Assert.Equal(202, status);
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("1");
        await ShotAsync("client-unreachable");

        // The operation is half done, and opening it names the client that lags.
        var operation = _page.Locator($"#operations li[data-operation-id='{body["id"]}']");
        await Assertions.Expect(operation.Locator(".percent")).ToHaveTextAsync("50 %");
        await operation.GetByRole(AriaRole.Button, new() { Name = "Clients" }).ClickAsync();
        var downName = (await _stack.Api.JsonAsync($"/clients/{down}"))["name"]!.GetValue<string>();
        await Assertions.Expect(_page.Locator("#operation-clients li")).ToHaveCountAsync(1);
        await Assertions.Expect(_page.Locator("#operation-clients li strong")).ToHaveTextAsync(downName);

        // Sorted by messages waiting, across the fleet: the lagging client comes first.
        await _page.Locator("#fleet th[data-sort='mostPending'] button").ClickAsync();
        await Assertions
            .Expect(_page.Locator("#fleet th[data-sort='mostPending']"))
            .ToHaveAttributeAsync("aria-sort", "descending");
        await Assertions
            .Expect(_page.Locator("#fleet tbody tr").First)
            .ToHaveAttributeAsync("data-client-id", down.ToString());
        await ShotAsync("operation-lagging-sorted");

        await _stack.Clients[1].StartAsync();

        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "upToDate");
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("0");
        await Assertions.Expect(operation.Locator(".percent")).ToHaveTextAsync("100 %");
        await Assertions.Expect(_page.Locator("#operation-clients li")).ToHaveTextAsync("None: every client is done.");
        await ShotAsync("client-back");
    }

    [Fact]
    public async Task AFailedMessagesDiscardButtonRemovesItAndTheClientIsUpToDateAgain()
    {
        var client = _stack.ClientIds[0];
        var bad = await QueueRefusedMessageAsync(client);
        var item = _page.Locator($"#failed li[data-message-id='{bad}']");
        await Assertions.Expect(item).ToBeVisibleAsync();
        var row = _page.Locator($"#fleet tbody tr[data-client-id='{client}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "failed");

        await item.GetByRole(AriaRole.Button, new() { Name = $"Discard message {bad}" }).ClickAsync();

        await Assertions.Expect(_page.Locator("#notice")).ToHaveTextAsync($"Message {bad} discarded.");
        await Assertions.Expect(item).ToHaveCountAsync(0);
        await Assertions.Expect(_page.Locator("#failed-empty")).ToBeVisibleAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "upToDate");
        Assert.Equal(404, (await _stack.Api.SendJsonAsync(HttpMethod.Get, $"/messages/{bad}")).Status);
    }

    [Fact]
    public async Task ARefusedMessageIsListedWithItsReasonAndItsRetryButtonQueuesItAgain()
    {
        var client = _stack.ClientIds[0];
        var bad = await QueueRefusedMessageAsync(client);

        var item = _page.Locator($"#failed li[data-message-id='{bad}']");
        await Assertions.Expect(item.Locator(".reason")).ToContainTextAsync("SSN");
        await Assertions
            .Expect(_page.Locator($"#fleet tbody tr[data-client-id='{client}']"))
            .ToHaveAttributeAsync("data-state", "failed");
        await ShotAsync("failed-message");

        await item.GetByRole(AriaRole.Button, new() { Name = $"Retry message {bad}" }).ClickAsync();

        await Assertions.Expect(_page.Locator("#notice")).ToHaveTextAsync($"Message {bad} queued again.");
        var attempts = await Eventually.ReturnsAsync(
            async () => (await _stack.Api.JsonAsync($"/messages/{bad}"))["attempts"]!.GetValue<int>(),
            a => a >= 2,
            because: "the retried message is sent again (and refused again: its data is still bad)"
        );
        Assert.True(attempts >= 2);
    }

    [Fact]
    public async Task AnOperationIsPreviewedWithoutChangingAnythingThenRunAndItsPreviewShowsBesideItsProgress()
    {
        await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        await _stack.CreatePersonnelAsync("Albert", "Einstein", "98765432100");
        await _stack.OperateAsync(HttpMethod.Put, "/clients/all/personnel?wait=10");
        var before = await OperationCountAsync();

        await _page.Locator("#op-action").SelectOptionAsync("DELETE");
        await Assertions.Expect(_page.Locator("#op-run")).ToBeDisabledAsync();
        await _page.Locator("#op-preview").ClickAsync();

        var preview = _page.Locator("#op-preview-result");
        await Assertions
            .Expect(preview)
            .ToContainTextAsync("Delete would queue 2 messages to 2 clients, 4 rows, about ");
        await Assertions.Expect(preview).ToContainTextAsync("removes 4 rows held on 2 clients");
        Assert.Equal(before, await OperationCountAsync());
        foreach (var client in _stack.Clients)
        {
            Assert.Equal(2, (await client.StoredRowsAsync()).Length);
        }

        // A changed form is not what was previewed: Run waits for a new preview.
        await _page.Locator("#op-client").FillAsync(_stack.ClientIds[0].ToString());
        await Assertions.Expect(_page.Locator("#op-run")).ToBeDisabledAsync();
        await _page.Locator("#op-preview").ClickAsync();
        await Assertions.Expect(preview).ToContainTextAsync("1 message to 1 client, 2 rows");
        await _page.Locator("#op-run").ClickAsync();

        await Assertions.Expect(_page.Locator("#notice")).ToContainTextAsync("queued.");
        var id = (await _stack.Api.JsonAsync("/operations?limit=1"))["items"]![0]!["id"]!.GetValue<long>();
        var operation = _page.Locator($"#operations li[data-operation-id='{id}']");
        await Assertions.Expect(operation.Locator(".preview")).ToContainTextAsync("Previewed: 1 message to 1 client");
        await Assertions.Expect(operation.Locator(".percent")).ToHaveTextAsync("100 %");
        await ShotAsync("operation-preview");
        Assert.Empty(await _stack.Clients[0].StoredRowsAsync());
        Assert.Equal(2, (await _stack.Clients[1].StoredRowsAsync()).Length);
    }

    private async Task<int> OperationCountAsync() =>
        (await _stack.Api.JsonAsync("/operations?limit=100"))["items"]!.AsArray().Count;

    /// <summary>Queues a message the client refuses for good, then one behind it, and waits until both are
    /// settled.</summary>
    private async Task<long> QueueRefusedMessageAsync(long client)
    {
        var bad = await _stack.InjectRefusedSaveAsync(client);
        var newton = await _stack.CreatePersonnelAsync("Isaac", "Newton", "12345678900");
        Assert.Equal(
            200,
            (await _stack.Api.SendJsonAsync(HttpMethod.Put, $"/clients/{client}/personnel/{newton}?wait=10")).Status
        );
        return bad;
    }

    private Task ShotAsync(string name)
    {
        Directory.CreateDirectory(Screenshots);
        return _page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });
    }
}
