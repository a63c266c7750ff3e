using System.Text.RegularExpressions;
using CustomerPortal.Infrastructure.Seeding;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

/// <summary>
/// Make a Payment as a person uses it, with the mouse and with the keyboard only. Each test signs in a contact of its
/// own customer choice and ends with Clear or a fresh choice, since the stored selection belongs to the user.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MakeAPaymentBrowserTests(BrowserFixture browser)
{
    private static ILocator Figure(IPage page, string testId) => page.GetByTestId(testId);

    /// <summary>Picks a choice; the choice form posts itself (a full page load) when the radio changes.</summary>
    private static async Task ChooseAsync(IPage page, string label)
    {
        var radio = page.GetByRole(AriaRole.Radio, new() { Name = label, Exact = true });
        if (!await radio.IsCheckedAsync()) await ReloadedByAsync(page, () => radio.CheckAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = label, Exact = true }))
            .ToBeCheckedAsync();
    }

    /// <summary>Runs an action that posts a plain form, and waits until the page it redirects to has loaded.</summary>
    private static async Task ReloadedByAsync(IPage page, Func<Task> action)
    {
        await page.RunAndWaitForResponseAsync(action,
            r => r.Request.Method == "GET" && new Uri(r.Url).AbsolutePath == "/pay");
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>
    /// The page under a choice with nothing selected, once Clear's answer has been swapped in (the figure may read 0
    /// before it arrives, and a late answer would redraw rows a test has marked or expanded).
    /// </summary>
    private async Task<IPage> ClearedPageAsync(string choice)
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, choice);
        await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync(),
            r => r.Url.EndsWith("/pay/selection/clear", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#pay-workarea[aria-busy]")).ToHaveCountAsync(0);
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("0");
        return page;
    }

    [Fact]
    public async Task SelectPageThenSelectAllWithTheNoticeThenClear()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, "Select Single-Site Invoices");

        await page.GetByRole(AriaRole.Button, new() { Name = "Select page" }).ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("25");
        await Assertions.Expect(page.Locator("input[name=check]:checked")).ToHaveCountAsync(25);

        await page.GetByRole(AriaRole.Button, new() { Name = "Select all" }).ClickAsync();
        await Assertions.Expect(Figure(page, "selection-message"))
            .ToHaveTextAsync(new Regex("^200 of 2\\d\\d selected — the most one payment can cover$"));
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("200");
        await BrowserFixture.ScreenshotAsync(page, "pay-select-all-1280");

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("0");
        await Assertions.Expect(Figure(page, "amount-selected")).ToHaveTextAsync("$0.00");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ExpandAParentAndPickTwoChildrenThenTheParentIsIndeterminate()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, "Select Multi-Site Invoices");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();

        var expand = page.Locator("a[data-expand]").First;
        var parentId = await expand.GetAttributeAsync("data-expand");
        await expand.ClickAsync();
        await Assertions.Expect(expand).ToHaveAttributeAsync("aria-expanded", "true");
        var children = page.Locator($"#children-{parentId} input[name=check]");
        await children.Nth(0).CheckAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("1");
        await page.Locator($"#children-{parentId} input[name=check]").Nth(1).CheckAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("2");

        await Assertions.Expect(Figure(page, "amount-selected")).Not.ToHaveTextAsync("$0.00");
        var parentBox = page.Locator($"#par-{parentId}");
        Assert.True(await parentBox.EvaluateAsync<bool>("b => b.indeterminate"));
        await Assertions.Expect(page.Locator($"#children-{parentId}")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "pay-multi-site-1280");

        await parentBox.CheckAsync();
        await Assertions.Expect(page.Locator($"#par-{parentId}")).ToBeCheckedAsync();
        Assert.False(await page.Locator($"#par-{parentId}").EvaluateAsync<bool>("b => b.indeterminate"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ACustomAmountShowsItsSplitAndARefusalNextToTheField()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, "Custom Amount");

        await page.GetByLabel("Amount to pay").FillAsync("10.005");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("amount-message"))
            .ToHaveTextAsync("Enter the amount with at most two decimals (cents).");

        await page.GetByLabel("Amount to pay").FillAsync("2500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(Figure(page, "amount-selected")).ToHaveTextAsync("$2,500.00");
        await Assertions.Expect(page.GetByTestId("allocation-preview")).ToBeVisibleAsync();
        Assert.True(await page.Locator("[data-testid=allocation-preview] tbody tr").CountAsync() >= 2);
        await BrowserFixture.ScreenshotAsync(page, "pay-custom-amount-1280");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task WithTheKeyboardOnlyAnInvoiceIsSelectedAndACustomAmountPreviewed()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, "Select Single-Site Invoices");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("0");

        // Tab from the Clear button to the first row's checkbox, past the sortable column headers.
        var first = page.Locator("input[name=check]").First;
        var firstId = await first.GetAttributeAsync("id");
        for (var i = 0; i < 20 && await page.EvaluateAsync<string>("() => document.activeElement.id") != firstId; i++)
            await page.Keyboard.PressAsync("Tab");
        Assert.Equal(firstId, await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("1");
        // Focus survives the swap.
        Assert.Equal(firstId, await page.EvaluateAsync<string>("() => document.activeElement.id"));

        await page.GetByRole(AriaRole.Radio, new() { Name = "Custom Amount", Exact = true }).FocusAsync();
        await ReloadedByAsync(page, () => page.Keyboard.PressAsync("Space"));
        await page.GetByLabel("Amount to pay").FocusAsync();
        await page.Keyboard.TypeAsync("250.50");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Figure(page, "amount-selected")).ToHaveTextAsync("$250.50");
        await Assertions.Expect(page.GetByTestId("allocation-preview")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AToggleRedrawsOnlyItsRowAndAfterAnotherTabsChangeTheWholeTable()
    {
        var page = await ClearedPageAsync("Select Single-Site Invoices");
        var boxes = page.Locator("input[name=check]");
        var ids = new List<string>();
        for (var i = 0; i < 4; i++) ids.Add((await boxes.Nth(i).GetAttributeAsync("id"))!["sel-".Length..]);
        // A mark on every row element: a redrawn row is a new element without it.
        await page.EvaluateAsync(
            "() => document.querySelectorAll('tr[data-invoice-row]').forEach(r => r.dataset.kept = 'yes')");

        await page.Locator($"#sel-{ids[0]}").CheckAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator($"#inv-{ids[0]}")).ToHaveClassAsync(new Regex("row-selected"));
        await Assertions.Expect(page.Locator($"#inv-{ids[0]}")).Not.ToHaveAttributeAsync("data-kept", "yes"); // redrawn
        await Assertions.Expect(page.Locator($"#inv-{ids[1]}")).ToHaveAttributeAsync("data-kept", "yes"); // untouched
        await Assertions.Expect(page.Locator("#pay-button")).ToContainTextAsync("Pay $");
        // Focus survives.
        Assert.Equal($"sel-{ids[0]}", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // Another tab of the same user checks a third invoice; this tab does not know.
        var other = await page.Context.NewPageAsync();
        await other.GotoAsync("/pay");
        await other.Locator($"#sel-{ids[2]}").CheckAsync();
        await Assertions.Expect(Figure(other, "invoices-to-pay")).ToHaveTextAsync("2");
        await other.CloseAsync();

        // This tab's next toggle finds the stored selection moved on: the whole table is redrawn with both changes.
        await page.Locator($"#sel-{ids[3]}").CheckAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator($"#sel-{ids[2]}")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator($"#inv-{ids[1]}")).Not.ToHaveAttributeAsync("data-kept", "yes");

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("0");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task HidingAParentsInvoicesWhileAToggleIsOnItsWayLeavesThemHiddenAndSaysSo()
    {
        var page = await ClearedPageAsync("Select Multi-Site Invoices");
        var link = page.Locator("a[data-expand]").First;
        var parentId = await link.GetAttributeAsync("data-expand");
        await link.ClickAsync();
        await Assertions.Expect(page.Locator($"#children-{parentId}")).ToBeVisibleAsync();

        // The toggle's answer (the parent's row drawn as "shown", as the request said) arrives after "Hide" was
        // clicked.
        await page.RouteAsync("**/pay/selection/invoice", async route =>
        {
            await Task.Delay(800);
            await route.ContinueAsync();
        });
        await page.Locator($"#children-{parentId} input[name=check]").First.CheckAsync();
        await page.Locator($"a[data-expand='{parentId}']").ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("1");
        await page.UnrouteAllAsync();

        await Assertions.Expect(page.Locator($"#children-{parentId}")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator($"a[data-expand='{parentId}']"))
            .ToHaveAttributeAsync("aria-expanded", "false");
        Assert.DoesNotContain("open=" + parentId, page.Url, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("0");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(375)]
    public async Task ThePageHasNoSeriousAccessibilityViolations(int width)
    {
        var page = await browser.NewPageAsync(DemoAccounts.SecondCustomer, width: width);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, "Select Multi-Site Invoices");
        await ChooseAsync(page, "Select Single-Site Invoices");
        await page.GetByRole(AriaRole.Button, new() { Name = "Select page" }).ClickAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).Not.ToHaveTextAsync("0");
        // Let the page's script finish swapping the fragments in before axe reads the page.
        await Assertions.Expect(page.Locator("#pay-workarea")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var results = await page.RunAxeAtRestAsync();

        var serious = results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})")
            .ToList();
        await File.WriteAllLinesAsync(Path.Combine(BrowserFixture.ScreenshotFolder, $"axe-pay-{width}.txt"), serious);
        Assert.Empty(serious);
        await BrowserFixture.ScreenshotAsync(page, $"pay-single-site-{width}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheMultiSiteTableIsReadableAt375AndPassesAxe()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer, width: 375);
        await page.GotoAsync("/pay");
        await ChooseAsync(page, "Select Multi-Site Invoices");
        await page.Locator("a[data-expand]").Nth(1).ClickAsync();

        var results = await page.RunAxeAtRestAsync();

        Assert.Empty(results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})"));
        await BrowserFixture.ScreenshotAsync(page, "pay-multi-site-375");
        await page.ScreenshotAsync(
            new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "pay-multi-site-375-top.png") });
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(375)]
    public async Task ThePageWithItsPaySectionHasNoAccessibilityViolation(int width)
    {
        var page = await ClearedPageAsync("Select Single-Site Invoices");
        await page.SetViewportSizeAsync(width, 900);
        await page.Locator("[data-testid=open-invoices] input[name=check]").First.CheckAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#pay-workarea")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Assertions.Expect(page.GetByTestId("pay-button")).ToBeEnabledAsync();

        var results = await page.RunAxeAtRestAsync();

        var all = results.Violations
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})")
            .ToList();
        await File.WriteAllLinesAsync(Path.Combine(BrowserFixture.ScreenshotFolder, $"axe-pay-all-{width}.txt"), all);
        Assert.Empty(all);
        await BrowserFixture.ScreenshotAsync(page, $"pay-with-section-{width}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task At375PxEachInvoiceIsACompactCardAndTheSummaryBarStaysOnScreen()
    {
        var page = await ClearedPageAsync("Select Single-Site Invoices");
        await page.SetViewportSizeAsync(375, 740);
        await page.Locator("[data-testid=open-invoices] input[name=check]").First.CheckAsync();
        await Assertions.Expect(Figure(page, "invoices-to-pay")).ToHaveTextAsync("1");

        var heights = await page.EvaluateAsync<double[]>(
            "() => Array.from(document.querySelectorAll('tr[data-invoice-row]'))" +
            ".map(r => r.getBoundingClientRect().height)");
        Assert.Equal(25, heights.Length);
        Assert.All(heights, h => Assert.InRange(h, 1, 120));

        // Scrolled to the middle of the list: the bar with the amount, the count and Pay is in the viewport.
        await page.Locator("tr[data-invoice-row]").Nth(12).ScrollIntoViewIfNeededAsync();
        await page.EvaluateAsync("() => window.scrollBy(0, 200)");
        var bar = page.Locator("#pay-continue");
        await Assertions.Expect(bar).ToBeInViewportAsync();
        var box = (await bar.BoundingBoxAsync())!;
        Assert.InRange(box.Y + box.Height, 700, 741); // at the foot of the screen
        await Assertions.Expect(page.GetByTestId("pay-summary")).ToContainTextAsync("1 invoice");
        await Assertions.Expect(page.GetByTestId("pay-button")).ToContainTextAsync("Pay $");
        await page.ScreenshotAsync(
            new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "pay-375-scrolled.png") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.Context.CloseAsync();
    }
}
