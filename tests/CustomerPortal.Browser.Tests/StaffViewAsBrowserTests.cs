using System.Text.RegularExpressions;
using CustomerPortal.Infrastructure.Seeding;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed partial class StaffViewAsBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task AnAgentSearchesViewsAsTheCustomerCannotPayAndLeaves()
    {
        var page = await browser.NewPageAsync(DemoAccounts.Staff);

        // Lands on the search.
        await Assertions.Expect(page).ToHaveURLAsync(SearchUrl());
        await page.GetByLabel("Search customers").FillAsync("Summit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("customer-row")).ToHaveCountAsync(1);
        var axeSearch = await page.RunAxe();
        Assert.Empty(axeSearch.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));
        await BrowserFixture.ScreenshotAsync(page, "staff-search");

        await page.GetByRole(AriaRole.Button, new() { Name = "View as Summit Builders LLC" }).ClickAsync();

        var banner = page.GetByTestId("view-as-banner");
        await Assertions.Expect(banner).ToContainTextAsync("Viewing as Summit Builders LLC");
        await Assertions.Expect(page.GetByTestId("customer-name")).ToContainTextAsync("Summit Builders LLC");
        // No pay button is offered, and a POST made anyway is refused by the server.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = PayButton() })).ToHaveCountAsync(0);
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        var refused = await page.APIRequest.PostAsync("/staff/customers/1/view-as", new()
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = token },
            Form = FormWith(page, token),
            MaxRedirects = 0,
        });
        Assert.Equal(403, refused.Status);
        Assert.Contains("read-only", await refused.TextAsync(), StringComparison.Ordinal);
        var axeViewAs = await page.RunAxe();
        Assert.Empty(axeViewAs.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));
        await BrowserFixture.ScreenshotAsync(page, "staff-view-as");

        await page.GetByRole(AriaRole.Button, new() { Name = "Leave view-as" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(SearchUrl());
        await Assertions.Expect(page.GetByTestId("view-as-banner")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "staff-after-leave");
        await page.Context.CloseAsync();
    }

    private static IFormData FormWith(IPage page, string token)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token);
        return form;
    }

    [GeneratedRegex("/staff/customers")]
    private static partial Regex SearchUrl();

    [GeneratedRegex("^Pay", RegexOptions.IgnoreCase)]
    private static partial Regex PayButton();
}
