using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

/// <summary>
/// The real app on Kestrel at a loopback port, over its own seeded SQLite file, driven by Debian's Chromium through
/// Playwright (never a downloaded browser). Screenshots land in TestResults/screenshots as test artifacts.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public PortalFactory Factory { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Factory.With("Payments:SeedDemoMethods", "true"); // the demo as a new user sees it: saved card and bank account
        Factory.UseKestrel(0);
        Factory.StartServer();
        BaseUrl = Factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        var executable = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path
            ? path
            : "/usr/bin/chromium";
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
        Assertions.SetDefaultExpectTimeout(15000);
    }

    /// <summary>
    /// A fresh browser context (own cookies) with a page, signed in when <paramref name="email"/> is given.
    /// </summary>
    public async Task<IPage> NewPageAsync(string? email = null, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        // Generous: CI machines are 2 shared cores; a slow step should not read as a failure.
        page.SetDefaultTimeout(30000);
        if (email is not null) await SignInAsync(page, email);
        return page;
    }

    public static async Task SignInAsync(IPage page, string email, string password = DemoAccounts.Password)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true,
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>axe on a page at rest.</summary>
public static class AxeAtRest
{
    /// <summary>
    /// Runs axe once nothing is moving: the pointer is taken off the page's controls (a viewport change can put the
    /// last click's position over another button, which then fades to its hover colours) and every CSS transition
    /// has finished. axe measured a button half-way through Bootstrap's 0.15 s colour fade once and called its contrast
    /// too low.
    /// </summary>
    public static async Task<Deque.AxeCore.Commons.AxeResult> RunAxeAtRestAsync(this IPage page,
        Deque.AxeCore.Commons.AxeRunOptions? options = null)
    {
        await page.Mouse.MoveAsync(0, 0);
        await page.EvaluateAsync("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))");
        return options is null ? await page.RunAxe() : await page.RunAxe(options);
    }

    /// <summary>The WCAG 2.2 AA rules (and those of 2.0 and 2.1 it includes): what the portal promises.</summary>
    public static Deque.AxeCore.Commons.AxeRunOptions Wcag22AA { get; } = new()
    {
        RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions
        {
            Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
        },
    };

    /// <summary>Every WCAG 2.2 AA violation on the page, whatever its impact, one line each.</summary>
    public static async Task<List<string>> Wcag22AAViolationsAsync(this IPage page) =>
        (await page.RunAxeAtRestAsync(Wcag22AA)).Violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — "
                + string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html.Length > 160 ? n.Html[..160] : n.Html)))
            .ToList();
}
