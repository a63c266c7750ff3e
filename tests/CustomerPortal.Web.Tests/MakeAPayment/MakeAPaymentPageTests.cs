using System.Net;
using CustomerPortal.Domain;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CustomerPortal.Web.Tests.Infrastructure.PageText;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>What the page shows; read-only, so one seeded portal serves every test.</summary>
public sealed class MakeAPaymentPageTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    [Fact]
    public async Task TheOverviewFiguresEqualTheSeededInvoicesSummedByHand()
    {
        var expected = await portal.Factory.WithDbAsync(async db =>
        {
            var summit = await db.Customers.SingleAsync(c => c.AccountNumber == "1001");
            var invoices = await db.Invoices.Where(i => i.CustomerId == summit.Id).ToListAsync();
            var today = new DateOnly(2026, 11, 26); // PortalFactory's clock: 10:00 in Denver
            var open = invoices.Where(i =>
                !i.IsVoid && (i.TotalCents - i.PaidCents - i.PendingCents > 0 || i.PendingCents > 0)).ToList();
            long balance = open.Sum(i => i.TotalCents - i.PaidCents - i.PendingCents);
            long overdue = open.Where(i => i.DueDate < today).Sum(i => i.TotalCents - i.PaidCents - i.PendingCents);
            long pending = open.Sum(i => i.PendingCents);
            return (balance, overdue, pending);
        });
        var pay = await PayPageDriver.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);

        var overview = await pay.OverviewAsync();

        Assert.Equal(Usd(expected.balance), overview.Balance);
        Assert.Equal(Usd(expected.overdue), overview.Overdue);
        Assert.Equal("Pending payments " + Usd(expected.pending), overview.Pending);
        Assert.True(expected.overdue > 0
            && expected.overdue < expected.balance, "the demo has both overdue and current invoices");
    }

    [Fact]
    public async Task TheTableShowsTwentyFiveSingleSiteInvoicesOldestFirstWithTheirColumns()
    {
        var pay = await PayPageDriver.SignedInAsync(portal.Factory, DemoAccounts.SecondCustomer);
        var summit = await PayPageDriver.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);

        var page = await summit.PageAsync();

        var rows = page.QuerySelectorAll("[data-testid=open-invoices] tbody tr");
        Assert.Equal(25, rows.Length);
        Assert.Equal("INV-10001", rows[0].QuerySelector("th")!.TextContent.Trim());
        Assert.Contains("Overdue", rows[0].TextContent);
        Assert.Equal(
            ["Select", "Invoice", "Site", "Invoice date", "Due date", "Status", "Total", "Balance", "DocumentPDF"],
            page.QuerySelectorAll("[data-testid=open-invoices] thead th").Select(
                th => th.TextContent.Replace("▲", "").Trim()));
        Assert.Equal(6, (await pay.PageAsync()).QuerySelectorAll("[data-testid=open-invoices] tbody tr").Length);
    }

    [Theory]
    [InlineData("?size=10", 10)]
    [InlineData("?size=100", 100)]
    [InlineData("?size=7", 25)]
    [InlineData("?size=abc", 25)]
    public async Task OnlyTheOfferedPageSizesAreUsedAndAnythingElseIsTwentyFive(string query, int rows)
    {
        var summit = await PayPageDriver.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);

        var page = await summit.PageAsync(query);

        Assert.Equal(rows, page.QuerySelectorAll("[data-testid=open-invoices] tbody tr").Length);
    }

    [Fact]
    public async Task SortingByBalanceDescendingPutsTheLargestBalanceFirst()
    {
        var summit = await PayPageDriver.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);
        var largest = await portal.Factory.WithDbAsync(async db =>
        {
            var id = await db.Customers.Where(c => c.AccountNumber == "1001").Select(c => c.Id).SingleAsync();
            return await db.Invoices.Where(i => i.CustomerId == id).ToListAsync();
        });

        var page = await summit.PageAsync("?sort=balance&dir=desc&sort=nonsense");

        var first = page.QuerySelector("[data-testid=open-invoices] tbody tr td.money.fw-semibold")!.TextContent.Trim();
        var max = largest.Where(i => i.MultiSiteInvoiceId == null && !i.IsVoid).Max(i => i.BalanceCents);
        Assert.Equal(Usd(max), first);
    }

    [Fact]
    public async Task AStandardPlanCustomerSeesTheirInvoicesButNoSelectionAndAPlainNotice()
    {
        var farms = await PayPageDriver.SignedInAsync(portal.Factory, DemoAccounts.StandardCustomer);

        var page = await farms.PageAsync();

        Assert.Equal("Online payment is not enabled for Prairie Portables.", PayPageDriver.Figure(page, "not-enabled"));
        Assert.Equal(4, page.QuerySelectorAll("[data-testid=open-invoices] tbody tr").Length);
        Assert.Empty(page.QuerySelectorAll("input[type=checkbox]"));
        Assert.Null(page.QuerySelector("#continue"));
        var response = await farms.PostAsync("/pay/selection/all", fragment: true);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

