using System.Net;
using CustomerPortal.Domain;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CustomerPortal.Web.Tests.Infrastructure.PageText;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// What the 200-invoice cap means on the page: the custom amount's hint names the most one payment can take, "Pay
/// overdue balance" selects exactly the overdue invoices up to 200, and "200 of N selected" stays while it holds.
/// Summit (1001) has 240 payable single-site invoices and 50 children.
/// </summary>
public sealed class QuickChoiceAndCapTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>The fake clock's date in the company's zone (Mountain time, 10:00).</summary>
    private static readonly DateOnly Today = new(2026, 11, 26);

    /// <summary>Summit's payable single-site invoices overdue on <paramref name="today"/>, oldest first.</summary>
    private async Task<List<(long Id, long Balance)>> OverdueSingleSiteAsync(string account, DateOnly today)
    {
        var customerId = await _factory.CustomerIdAsync(account);
        var payable = await _factory.WithDbAsync(db => db.Invoices.AsNoTracking()
            .Where(i => i.CustomerId == customerId && !i.IsVoid && i.MultiSiteInvoiceId == null && i.BalanceCents > 0)
            .OrderOldestFirst().Select(i => new { i.Id, i.BalanceCents, i.DueDate }).ToListAsync());
        return payable.Where(i => OverdueRule.IsOverdue(i.BalanceCents, i.DueDate, today))
            .Select(i => (i.Id, i.BalanceCents)).ToList();
    }

    private static List<long> Checked(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("input[name=check][checked]")
            .Select(i => long.Parse(i.Id!.Replace("sel-", "", StringComparison.Ordinal))).ToList();

    [Fact]
    public async Task TheCustomAmountHintNamesTheMostOnePaymentCanTakeAndThatAmountIsAccepted()
    {
        var payable = await _factory.PayableInvoicesAsync("1001");
        Assert.True(payable.Count > InvoiceSelection.MaxInvoicesPerPayment);
        var most = payable.Take(InvoiceSelection.MaxInvoicesPerPayment).Sum(i => i.Balance);
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("custom");

        var page = await pay.PageAsync();
        var hint = page.QuerySelector("#amount-help")!.TextContent;
        Assert.Contains("Up to " + Usd(most) + " in one payment", hint);
        Assert.DoesNotContain(Usd(payable.Sum(i => i.Balance)), hint);

        await pay.PostFragmentAsync("/pay/amount", new() { ["amount"] = Money.FromCents(most + 1).ToPlainString() },
            expect: HttpStatusCode.BadRequest);
        var accepted = await pay.PostFragmentAsync("/pay/amount",
            new() { ["amount"] = Money.FromCents(most).ToPlainString() });
        Assert.Equal(Usd(most), PayPageDriver.Figure(accepted, "amount-selected"));
        Assert.Equal("200", PayPageDriver.Figure(accepted, "invoices-to-pay"));
    }

    [Fact]
    public async Task PayOverdueBalanceSelectsExactlyTheOverdueInvoices()
    {
        var overdue = await OverdueSingleSiteAsync("1002", Today);
        Assert.InRange(overdue.Count, 1, InvoiceSelection.MaxInvoicesPerPayment);
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.SecondCustomer);
        var page = await pay.PageAsync();
        Assert.Equal("Pay overdue balance", page.QuerySelector("#select-overdue")!.TextContent.Trim());

        await pay.PostAsync("/pay/selection/overdue");

        page = await pay.PageAsync("?size=100");
        var overview = await pay.OverviewAsync();
        Assert.Equal(Usd(overdue.Sum(i => i.Balance)), overview.Selected);
        Assert.Equal(Text(overdue.Count), overview.Count);
        Assert.Equal(overdue.Select(i => i.Id).Where(id => page.QuerySelector($"#inv-{id}") is not null),
            Checked(page));
        Assert.Contains($"All {overdue.Count} overdue single-site invoices selected.",
            PayPageDriver.Figure(page, "selection-message"));
    }

    [Fact]
    public async Task PayOverdueBalanceTakesTheOldestTwoHundredAndSaysSoWhenMoreAreOverdue()
    {
        var overdue = await OverdueSingleSiteAsync("1001", Today);
        Assert.True(overdue.Count > InvoiceSelection.MaxInvoicesPerPayment);
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);

        var answer = await pay.PostFragmentAsync("/pay/selection/overdue");

        Assert.Equal("200", PayPageDriver.Figure(answer, "invoices-to-pay"));
        Assert.Equal($"200 of {overdue.Count} overdue single-site invoices selected — the most one payment can cover",
            PayPageDriver.Figure(answer, "selection-message"));
        var page = await pay.PageAsync("?size=100");
        Assert.Equal(overdue.Take(100).Select(i => i.Id), Checked(page));
    }

    [Fact]
    public async Task TheSelectAllNoticeStaysOnEveryPageWhileItHolds()
    {
        var payable = (await _factory.PayableInvoicesAsync("1001")).Where(i => i.Parent is null).ToList();
        var notice = $"200 of {payable.Count} selected — the most one payment can cover";
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.PostAsync("/pay/selection/all");

        foreach (var n in new[] { 1, 2, 3, 10 })
            Assert.Equal(notice, PayPageDriver.Figure(await pay.PageAsync($"?page={n}"), "selection-message"));

        // untrue once one is unchecked: gone from the answer and from every page
        var answer = await pay.PostFragmentAsync("/pay/selection/invoice",
            new() { ["invoiceId"] = Text(payable[0].Id) });
        Assert.Null(answer.QuerySelector("[data-testid=selection-message]"));
        Assert.Null((await pay.PageAsync("?page=2")).QuerySelector("[data-testid=selection-message]"));
    }
}
