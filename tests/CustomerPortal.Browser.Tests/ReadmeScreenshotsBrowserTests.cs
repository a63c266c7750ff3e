using CustomerPortal.Infrastructure.Seeding;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

/// <summary>
/// The README's pictures of Make a Payment, taken from the running app as the demo Pro-plan customer sees it, at
/// 1280 and 375 px. <c>scripts/screenshots.sh</c> runs this with <c>PORTAL_SCREENSHOTS_DIR=docs/screenshots</c>; in a
/// plain test run they land with the other screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadmeScreenshotsBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280, 1000)]
    [InlineData(375, 812)]
    public async Task TheMakeAPaymentPageIsPhotographedForTheReadme(int width, int height)
    {
        var folder = Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS_DIR") is { Length: > 0 } dir
            ? dir
            : BrowserFixture.ScreenshotFolder;
        Directory.CreateDirectory(folder);
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer, width, height);
        await page.GotoAsync("/pay");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Make a Payment", Level = 1 }))
            .ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.Mouse.MoveAsync(0, 0);

        var path = Path.Combine(folder, $"make-a-payment-{width}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });

        Assert.True(new FileInfo(path).Length > 10_000, path);
        await page.Context.CloseAsync();
    }
}
