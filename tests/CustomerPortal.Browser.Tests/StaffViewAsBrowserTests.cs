using System.Text.RegularExpressions;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
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
        var axeSearch = await page.RunAxeAtRestAsync();
        Assert.Empty(axeSearch.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help}"));
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
        var axeViewAs = await page.RunAxeAtRestAsync();
        Assert.Empty(axeViewAs.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help}"));
        await BrowserFixture.ScreenshotAsync(page, "staff-view-as");

        await page.GetByRole(AriaRole.Button, new() { Name = "Leave view-as" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(SearchUrl());
        await Assertions.Expect(page.GetByTestId("view-as-banner")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "staff-after-leave");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnAgentSeesTheCustomersMakeAPaymentFiguresWithoutPayControlsAndAForgedPayIsRefused()
    {
        // The customer has two invoices selected (stored server side, as the page's checkboxes would store them).
        var invoiceNumbers = await SelectForTheCustomerAsync(2);
        try
        {
            var page = await browser.NewPageAsync(DemoAccounts.Staff);
            await page.GetByLabel("Search customers").FillAsync("Summit");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "View as Summit Builders LLC" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("view-as-banner"))
                .ToContainTextAsync("Viewing as Summit Builders LLC");

            await page.GotoAsync("/pay");
            await Assertions.Expect(page.Locator("#pay-overview")).ToContainTextAsync("Balance");
            await Assertions.Expect(page.GetByTestId("choice-readonly"))
                .ToContainTextAsync("Select Single-Site Invoices");
            await Assertions.Expect(page.GetByTestId("selected-mark")).ToHaveCountAsync(2);
            foreach (var number in invoiceNumbers)
            {
                await Assertions.Expect(page.Locator("tr.row-selected", new() { HasText = number }))
                    .ToHaveCountAsync(1);
            }
            await Assertions.Expect(page.Locator("main input[type=checkbox], main input[type=radio]"))
                .ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = ContinueButton() }))
                .ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = PayButton() }))
                .ToHaveCountAsync(0);
            var axe = await page.RunAxeAtRestAsync();
            Assert.Empty(axe.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{v.Id}: {v.Help}"));
            await BrowserFixture.ScreenshotAsync(page, "staff-view-as-make-a-payment");

            await page.GotoAsync("/pay/checkout");
            await Assertions.Expect(page.GetByTestId("split")).ToContainTextAsync(invoiceNumbers[0]);
            await Assertions.Expect(page.GetByTestId("view-only")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("pay-button")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = AddMethod() }))
                .ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "staff-view-as-checkout");

            // A Pay made anyway (the form the customer would post) is refused by the server, and no payment is made.
            var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
            var form = FormWith(page, token);
            form.Set("Method", "saved-1");
            form.Set("DraftRevision", "1");
            form.Set("ExpectedAmountCents", "100");
            var refused = await page.APIRequest.PostAsync("/pay/checkout", new()
            {
                Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = token },
                Form = form,
                MaxRedirects = 0,
            });
            Assert.Equal(403, refused.Status);
            Assert.Contains("read-only", await refused.TextAsync(), StringComparison.Ordinal);

            await page.GetByRole(AriaRole.Button, new() { Name = "Leave view-as" }).ClickAsync();
            await page.Context.CloseAsync();
        }
        finally
        {
            await SelectForTheCustomerAsync(0);
        }
    }

    /// <summary>
    /// Stores a selection of the oldest <paramref name="count"/> single-site invoices for the demo contact (0 clears
    /// it).
    /// </summary>
    private Task<List<string>> SelectForTheCustomerAsync(int count) => browser.Factory.WithDbAsync(async db =>
    {
        var user = await db.Users.SingleAsync(u => u.Email == DemoAccounts.ProCustomer);
        var customerId = user.CustomerId!.Value;
        var now = browser.Factory.Clock.GetUtcNow();
        var invoices = await db.Invoices
            .Where(i => i.CustomerId == customerId && i.MultiSiteInvoiceId == null && !i.IsVoid && i.BalanceCents > 0)
            .OrderBy(i => i.InvoiceDate).ThenBy(i => i.Id).Take(count)
            .Select(i => new { i.Id, i.Number })
            .ToListAsync();
        // Through the app's draft store, as the page stores a selection (the revision moves on).
        var drafts = new DraftStore(db);
        var owner = DraftOwner.Contact(user.Id, customerId);
        var stored = await drafts.ReadAsync(owner, DraftRead.ToChange, CancellationToken.None);
        var draft = stored?.ToDraft() ?? new PaymentDraft(user.Id, customerId, now);
        draft.Choose(PaymentChoice.SingleSite, now);
        draft.ReplaceInvoices(invoices.Select(i => i.Id), now);
        await drafts.SaveAsync(draft, stored?.Selected ?? new HashSet<long>(), CancellationToken.None);
        return invoices.Select(i => i.Number).ToList();
    });

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

    [GeneratedRegex("^Continue", RegexOptions.IgnoreCase)]
    private static partial Regex ContinueButton();

    [GeneratedRegex("^Add a new", RegexOptions.IgnoreCase)]
    private static partial Regex AddMethod();
}
