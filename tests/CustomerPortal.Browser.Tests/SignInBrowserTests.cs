using CustomerPortal.Infrastructure.Seeding;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task TheDemoCustomerSignsInAndReachesTheLandingPage()
    {
        var page = await browser.NewPageAsync();

        await BrowserFixture.SignInAsync(page, DemoAccounts.ProCustomer);

        await Assertions.Expect(page.GetByTestId("customer-name")).ToContainTextAsync("Summit Builders LLC");
        await BrowserFixture.ScreenshotAsync(page, "landing-after-sign-in");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheSignInPageHasNoSeriousAccessibilityViolations()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/account/sign-in");

        var results = await page.RunAxeAtRestAsync();

        var serious = results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help}")
            .ToList();
        Assert.Empty(serious);
        await BrowserFixture.ScreenshotAsync(page, "sign-in");
        await page.Context.CloseAsync();
    }
}
