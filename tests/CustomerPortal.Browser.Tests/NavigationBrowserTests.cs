using CustomerPortal.Infrastructure.Seeding;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

/// <summary>The header at 1280 px (issue 16, item 13): every link on one line, none broken inside.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NavigationBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task AnAgentViewingAsACustomerSeesTheWholeNavigationOnOneLineAt1280()
    {
        var page = await browser.NewPageAsync(DemoAccounts.Staff);
        await page.GotoAsync("/staff/customers?q=Summit");
        await page.GetByRole(AriaRole.Button, new() { Name = "View as Summit Builders LLC" }).ClickAsync();
        await page.GotoAsync("/pay/methods");

        var links = page.Locator("header .navbar-nav .nav-link");
        Assert.Equal(["Make a Payment", "Payment history", "Payment methods", "Customers", "Audit log"],
            (await links.AllTextContentsAsync()).Select(t => t.Trim()));
        var boxes = new List<LocatorBoundingBoxResult>();
        foreach (var link in await links.AllAsync()) boxes.Add((await link.BoundingBoxAsync())!);
        await BrowserFixture.ScreenshotAsync(page, "navigation-view-as-1280");

        Assert.All(boxes, b => Assert.InRange(b.Height, 1, 48)); // one line of text each
        Assert.Single(boxes.Select(b => Math.Round(b.Y)).Distinct()); // all on the same line
        await page.GetByRole(AriaRole.Button, new() { Name = "Leave view-as" }).ClickAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheCurrentPageIsMarkedInTheNavigation()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        await page.GotoAsync("/pay/history");

        await Assertions.Expect(page.Locator("header a[aria-current=page]")).ToHaveTextAsync("Payment history");
        await page.Context.CloseAsync();
    }
}
