using System.Text.RegularExpressions;
using CustomerPortal.Infrastructure.Seeding;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CustomerPortal.Browser.Tests;

/// <summary>
/// Paying, as a person does it from the Make a Payment page itself (no checkout step): saved card, a new card
/// entered in the sandbox's own form and saved, ACH from the saved bank account, a declined card. These flows move
/// money, so they run on an app of their own (<see cref="PaymentBrowserCollection"/>: a second
/// <see cref="BrowserFixture"/>, its own database) and never
/// touch the data the shared browser collection's tests read. Summit has the demo's saved card and bank account; Alpine
/// its expired card. Every flow starts with Clear, so the order of the tests does not matter.
/// </summary>
[Collection(PaymentBrowserCollection.Name)]
public sealed class PaymentBrowserTests(BrowserFixture browser)
{
    private static readonly Regex ResultUrl = new("/pay/payments/\\d+$");

    /// <summary>
    /// Opens /pay on the single-site table with nothing selected, then ticks the first <paramref name="count"/> payable
    /// invoices.
    /// </summary>
    private static async Task<List<string>> SelectOldestAsync(IPage page, int count)
    {
        await page.GotoAsync("/pay");
        var single = page.GetByRole(AriaRole.Radio, new() { Name = "Select Single-Site Invoices", Exact = true });
        if (!await single.IsCheckedAsync())
        {
            await page.RunAndWaitForResponseAsync(() => single.CheckAsync(),
                r => r.Request.Method == "GET" && new Uri(r.Url).AbsolutePath == "/pay");
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("invoices-to-pay")).ToHaveTextAsync("0");

        var numbers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = await page.Locator("[data-testid=open-invoices] input[name=check]:not(:checked)").First
                .GetAttributeAsync("id");
            numbers.Add((await page.Locator($"label[for='{id}']").TextContentAsync())!
                .Replace("Select invoice ", "", StringComparison.Ordinal).Trim());
            // Check it by id: a ":not(:checked)" locator re-resolves to the NEXT invoice if Playwright retries the
            // click after the server's fragment replaced the row, which would select two invoices.
            await page.Locator($"[id='{id}']").CheckAsync();
            await Assertions.Expect(page.GetByTestId("invoices-to-pay"))
                .ToHaveTextAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return numbers;
    }

    /// <summary>"How will you be paying today?", below the Open Invoices table of the Make a Payment page.</summary>
    private static async Task PayingSectionAsync(IPage page)
    {
        Assert.Equal("/pay", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "How will you be paying today?" }))
            .ToBeVisibleAsync();
    }

    private static async Task PayAsync(IPage page)
    {
        var button = page.GetByTestId("pay-button");
        await Assertions.Expect(button).ToHaveTextAsync(new Regex("^Pay \\$[\\d,]+\\.\\d\\d$"));
        await Assertions.Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
        await page.WaitForURLAsync(ResultUrl);
    }

    /// <summary>
    /// Screenshots at 1280 and 375 px wide, with axe run at each width (no serious or critical violations).
    /// </summary>
    private static async Task LookAsync(IPage page, string name)
    {
        foreach (var width in new[] { 1280, 375 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await BrowserFixture.ScreenshotAsync(page, $"{name}-{width}");
            var results = await page.RunAxeAtRestAsync();
            var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})").ToList();
            await File.WriteAllLinesAsync(
                Path.Combine(BrowserFixture.ScreenshotFolder, $"axe-{name}-{width}.txt"), serious);
            Assert.True(serious.Count == 0, $"{name} at {width}px:\n" + string.Join("\n", serious));
        }
        await page.SetViewportSizeAsync(1280, 900);
    }

    private static ILocator OpenRow(IPage page, string number) =>
        page.Locator("[data-testid=open-invoices] tr[data-invoice-row]").Filter(new()
        {
            Has = page.GetByRole(AriaRole.Rowheader, new() { Name = number, Exact = true }),
        });

    [Fact]
    public async Task PayTwoInvoicesWithTheSavedDemoCard()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        var numbers = await SelectOldestAsync(page, 2);
        await PayingSectionAsync(page);

        var card = page.GetByRole(AriaRole.Radio, new() { Name = "Visa •••• 4242" });
        await Assertions.Expect(card).ToBeCheckedAsync();
        var total = await page.GetByTestId("amount-selected").TextContentAsync();
        await Assertions.Expect(page.GetByTestId("pay-button")).ToHaveTextAsync("Pay " + total);
        await LookAsync(page, "pay-before-paying");
        await PayAsync(page);
        await Assertions.Expect(page.GetByTestId("amount")).ToHaveTextAsync(total!);

        await Assertions.Expect(page.GetByTestId("payment-status")).ToHaveTextAsync("Paid");
        await Assertions.Expect(page.GetByTestId("receipt")).ToHaveTextAsync(new Regex("\\S+"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download receipt (PDF)" }))
            .ToBeVisibleAsync();
        await LookAsync(page, "payment-succeeded");

        await page.GotoAsync("/pay");
        foreach (var number in numbers) await Assertions.Expect(OpenRow(page, number)).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PayWithANewCardFromTheSandboxFormAndSaveItForNextTime()
    {
        var page = await browser.NewPageAsync(DemoAccounts.SecondCustomer);
        await SelectOldestAsync(page, 1);
        await PayingSectionAsync(page);
        // the demo's expired card is shown and cannot be chosen, so Pay waits for a usable method
        await Assertions.Expect(page.GetByTestId("pay-button")).ToBeDisabledAsync();
        var expired = page.Locator("[data-testid=methods] li").Filter(new() { HasText = "Expired" });
        await Assertions.Expect(expired.GetByRole(AriaRole.Radio)).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Add a new card" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/sandbox/elements/card");
        await LookAsync(page, "sandbox-card-form");
        await page.GetByLabel("Card number").FillAsync("4242 4242 4242 4242");
        await page.GetByLabel("Expiry month").FillAsync("12");
        await page.GetByLabel("Expiry year").FillAsync("2030");
        await page.GetByLabel("CVC").FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this card" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/pay");

        await Assertions.Expect(page.GetByTestId("new-method")).ToContainTextAsync("Visa •••• 4242");
        await Assertions.Expect(page.GetByTestId("new-method").GetByRole(AriaRole.Radio)).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Save for future payments")).Not.ToBeCheckedAsync();
        await page.GetByLabel("Save for future payments").CheckAsync();
        await LookAsync(page, "pay-new-card");
        await PayAsync(page);
        await Assertions.Expect(page.GetByTestId("payment-status")).ToHaveTextAsync("Paid");

        // next time: the card is a saved method, chosen by default
        await SelectOldestAsync(page, 1);
        await PayingSectionAsync(page);
        var saved = page.Locator("[data-testid=methods] li").Filter(new() { HasText = "Expires 12/2030" });
        await Assertions.Expect(saved).ToContainTextAsync("Visa •••• 4242");
        await Assertions.Expect(saved.GetByRole(AriaRole.Radio)).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("new-method")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PayByAchWithTheSavedBankAccountAndTheInvoicesShowPaymentPending()
    {
        var page = await browser.NewPageAsync(DemoAccounts.ProCustomer);
        var numbers = await SelectOldestAsync(page, 2);
        await PayingSectionAsync(page);

        var authorization = page.GetByLabel("I accept this authorization");
        await Assertions.Expect(authorization).ToBeHiddenAsync(); // the card is the default
        await page.GetByRole(AriaRole.Radio, new() { Name = "•••• 6789" }).CheckAsync();
        await Assertions.Expect(page.GetByTestId("ach-text")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("ach-text")).ToContainTextAsync("Rocky Mountain Site Services");
        await Assertions.Expect(page.GetByTestId("ach-text"))
            .ToContainTextAsync((await page.GetByTestId("amount-selected").TextContentAsync())!);
        await authorization.CheckAsync();
        await LookAsync(page, "pay-ach");
        await PayAsync(page);

        await Assertions.Expect(page.GetByTestId("payment-status")).ToHaveTextAsync("Pending");
        await Assertions.Expect(page.GetByTestId("outcome")).ToContainTextAsync("pending");
        await LookAsync(page, "payment-pending");

        await page.GotoAsync("/pay");
        foreach (var number in numbers)
        {
            await Assertions.Expect(OpenRow(page, number)).ToContainTextAsync("Payment pending");
            await Assertions.Expect(OpenRow(page, number).Locator("input[name=check]")).ToHaveCountAsync(0);
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ADeclinedCardSaysWhyInPlainWordsAndNothingIsPaid()
    {
        var page = await browser.NewPageAsync(DemoAccounts.SecondCustomer);
        var numbers = await SelectOldestAsync(page, 1);
        var balanceBefore = await OpenRow(page, numbers[0]).Locator("td[data-label=Balance]").TextContentAsync();
        await PayingSectionAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add a new card" }).ClickAsync();
        await page.GetByLabel("Card number").FillAsync("4000 0000 0000 0002");
        await page.GetByLabel("Expiry month").FillAsync("11");
        await page.GetByLabel("Expiry year").FillAsync("2031");
        await page.GetByLabel("CVC").FillAsync("321");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this card" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/pay");
        await PayAsync(page);

        await Assertions.Expect(page.GetByTestId("payment-status")).ToHaveTextAsync("Declined");
        await Assertions.Expect(page.GetByTestId("failure")).ToHaveTextAsync("Your card was declined.");
        await Assertions.Expect(page.GetByTestId("outcome")).ToContainTextAsync("Nothing was charged");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download receipt (PDF)" }))
            .ToHaveCountAsync(0);
        await LookAsync(page, "payment-declined");

        await page.GotoAsync("/pay");
        var row = OpenRow(page, numbers[0]);
        await Assertions.Expect(row.Locator("td[data-label=Balance]")).ToHaveTextAsync(balanceBefore!);
        await Assertions.Expect(row).Not.ToContainTextAsync("Payment pending");
        await Assertions.Expect(row.Locator("input[name=check]")).ToBeCheckedAsync(); // the selection is kept
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.Context.CloseAsync();
    }
}

/// <summary>
/// The payment flows' own app and browser (a second <see cref="BrowserFixture"/>), so paying cannot disturb other
/// browser tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PaymentBrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "payment-browser";
}
