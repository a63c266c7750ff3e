using System.Text.RegularExpressions;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

/// <summary>
/// axe with the WCAG 2.2 AA rules on every page each kind of visitor opens — anonymous, a Pro-plan customer, a
/// customer with an expired card, a Standard-plan customer, a support agent and the agent viewing as the customer,
/// error pages included — at 1280 and 375 px, failing on any violation whatever its impact. At 375 px no page may
/// scroll sideways. Each page is also saved as a screenshot (TestResults: screenshots/every-page-*.png).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EveryPageAccessibilityBrowserTests(BrowserFixture browser)
{
    private static readonly SemaphoreSlim PaymentOnce = new(1, 1);
    private static string? _paymentPath;

    [Theory]
    [InlineData(1280)]
    [InlineData(375)]
    public async Task EveryPageOfEveryVisitorHasNoWcag22AAViolationAndNoSidewaysScroll(int width)
    {
        var payment = await PaymentPathAsync();
        var visaId = await browser.Factory.WithDbAsync(db => (
            from m in db.SavedPaymentMethods
            join c in db.Customers on m.CustomerId equals c.Id
            where m.RemovedAt == null && m.Last4 == "4242" && c.AccountNumber == "1001"
            select m.Id).FirstAsync());
        var failures = new List<string>();

        var anonymous = await browser.NewPageAsync(width: width);
        await CheckAsync(anonymous, "anonymous", failures, "/account/sign-in", "/account/set-password",
            "/no-such-page");

        var summit = await browser.NewPageAsync(DemoAccounts.ProCustomer, width);
        await CheckAsync(summit, "Pro-plan customer", failures, "/pay", "/pay/checkout", "/pay/history", payment,
            "/pay/methods", $"/pay/methods/{visaId}/remove?return_url=%2Fpay%2Fmethods", "/welcome",
            "/sandbox/elements/card?return_url=%2Fpay%2Fmethods", "/sandbox/elements/bank?return_url=%2Fpay%2Fmethods",
            "/no-such-page", "/staff/customers", "/error/400", "/error/429", "/error/500", "/error/503");

        var alpine = await browser.NewPageAsync(DemoAccounts.SecondCustomer, width);
        await CheckAsync(alpine, "customer with an expired card", failures, "/pay/methods", "/pay/checkout");

        var farms = await browser.NewPageAsync(DemoAccounts.StandardCustomer, width);
        await CheckAsync(farms, "Standard-plan customer", failures, "/pay", "/welcome", "/pay/history",
            "/pay/methods");

        var agent = await browser.NewPageAsync(DemoAccounts.Staff, width);
        await CheckAsync(agent, "agent", failures, "/staff/customers", "/staff/customers?q=Summit", "/staff/audit");
        await agent.GotoAsync("/staff/customers?q=Summit");
        await agent.GetByRole(AriaRole.Button, new() { Name = "View as Summit Builders LLC" }).ClickAsync();
        await Assertions.Expect(agent.GetByTestId("view-as-banner")).ToBeVisibleAsync();
        await CheckAsync(agent, "agent viewing as the customer", failures, "/pay", "/pay/checkout", "/pay/history",
            payment, "/pay/methods", "/staff/audit");
        await agent.GetByRole(AriaRole.Button, new() { Name = "Leave view-as" }).ClickAsync();

        foreach (var page in new[] { anonymous, summit, alpine, farms, agent }) await page.Context.CloseAsync();
        Assert.True(failures.Count == 0, $"At {width} px:\n" + string.Join("\n", failures));
    }

    /// <summary>Opens each path, runs axe (WCAG 2.2 AA) and, on a narrow screen, measures the page's width.</summary>
    private static async Task CheckAsync(IPage page, string who, List<string> failures, params string[] paths)
    {
        var width = page.ViewportSize!.Width;
        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await BrowserFixture.ScreenshotAsync(page, $"every-page-{width}-{Slug(who)}-{Slug(path)}");
            foreach (var violation in await page.Wcag22AAViolationsAsync())
                failures.Add($"{who} {path}: {violation}");
            var overflow = await page.EvaluateAsync<int>(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (overflow > 0) failures.Add($"{who} {path}: scrolls sideways by {overflow} px");
        }
    }

    private static string Slug(string text) => NotWord().Replace(text, "-").Trim('-');

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NotWord();

    /// <summary>
    /// A payment of the Pro-plan customer (made once for the class): two invoices selected as the page stores a
    /// selection, paid on the checkout with the saved card. Returns the payment page's path.
    /// </summary>
    private async Task<string> PaymentPathAsync()
    {
        await PaymentOnce.WaitAsync();
        try
        {
            if (_paymentPath is not null) return _paymentPath;
            await SelectTwoAsync();
            var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
            await page.GotoAsync("/pay/checkout");
            await page.GetByTestId("pay-button").ClickAsync();
            await page.WaitForURLAsync(new Regex("/pay/payments/\\d+$"));
            _paymentPath = new Uri(page.Url).AbsolutePath;
            await page.Context.CloseAsync();
            return _paymentPath;
        }
        finally
        {
            PaymentOnce.Release();
        }
    }

    private Task<int> SelectTwoAsync() => browser.Factory.WithDbAsync(async db =>
    {
        var user = await db.Users.SingleAsync(u => u.Email == DemoAccounts.ProCustomer);
        var customerId = user.CustomerId!.Value;
        var now = browser.Factory.Clock.GetUtcNow();
        var invoices = await db.Invoices
            .Where(i => i.CustomerId == customerId && i.MultiSiteInvoiceId == null && !i.IsVoid && i.BalanceCents > 0
                && i.PendingCents == 0)
            .OrderBy(i => i.InvoiceDate).ThenBy(i => i.Id).Take(2).Select(i => i.Id).ToListAsync();
        var drafts = new DraftStore(db);
        var owner = DraftOwner.Contact(user.Id, customerId);
        var stored = await drafts.ReadAsync(owner, DraftRead.ToChange, CancellationToken.None);
        var draft = stored?.ToDraft() ?? new PaymentDraft(user.Id, customerId, now);
        draft.Choose(PaymentChoice.SingleSite, now);
        draft.ReplaceInvoices(invoices, now);
        await drafts.SaveAsync(draft, stored?.Selected ?? new HashSet<long>(), CancellationToken.None);
        return invoices.Count;
    });
}
