using System.Net;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CustomerPortal.Web.Tests.Infrastructure.PageText;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// Each selection action, with and without a script, on a portal of its own (they change the stored selection).
/// </summary>
public sealed class SelectionEndpointTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<List<long>> StoredSelectionAsync(string account)
    {
        var id = await _factory.CustomerIdAsync(account);
        return await _factory.WithDbAsync(db => db.PaymentDraftItems
            .Where(i => db.PaymentDrafts.Any(d => d.Id == i.PaymentDraftId && d.CustomerId == id))
                .Select(i => i.InvoiceId).OrderBy(x => x).ToListAsync());
    }

    [Fact]
    public async Task CheckingOneInvoiceSelectsItsBalanceAndUncheckingTwiceIsHarmless()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var first = (await _factory.PayableInvoicesAsync("1001")).First(i => i.Parent is null);

        var fragments = await pay.PostFragmentAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = first.Id.ToString(), ["check"] = "true" });

        Assert.Equal(Usd(first.Balance), PayPageDriver.Figure(fragments, "amount-selected"));
        Assert.Equal("1", PayPageDriver.Figure(fragments, "invoices-to-pay"));
        Assert.NotNull(fragments.QuerySelector($"#sel-{first.Id}[checked]"));
        await pay.PostFragmentAsync("/pay/selection/invoice", new() { ["invoiceId"] = first.Id.ToString() });
        var again = await pay.PostFragmentAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = first.Id.ToString() });
        Assert.Equal("$0.00", PayPageDriver.Figure(again, "amount-selected"));
        Assert.Empty(await StoredSelectionAsync("1001"));
    }

    [Fact]
    public async Task EachSaveOfAStoredSelectionKeepsTheOtherItemsAndMovesTheRevisionOnByOne()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var single = (await _factory.PayableInvoicesAsync("1001")).Where(i => i.Parent is null).Take(3).ToList();
        Assert.Equal(3, single.Count);
        var customerId = await _factory.CustomerIdAsync("1001");
        Task<int> RevisionAsync() => _factory.WithDbAsync(
            db => db.PaymentDrafts.Where(d => d.CustomerId == customerId).Select(d => d.Revision).SingleAsync());

        foreach (var invoice in single)
            await pay.PostFragmentAsync(
                "/pay/selection/invoice", new() { ["invoiceId"] = invoice.Id.ToString(), ["check"] = "true" });
        Assert.Equal(single.Select(i => i.Id).Order().ToList(), await StoredSelectionAsync("1001"));
        var revision = await RevisionAsync();

        var fragments = await pay.PostFragmentAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = single[0].Id.ToString() });
        Assert.Equal(Usd(single[1].Balance + single[2].Balance), PayPageDriver.Figure(fragments, "amount-selected"));
        Assert.Equal(single.Skip(1).Select(i => i.Id).Order().ToList(), await StoredSelectionAsync("1001"));
        Assert.Equal(revision + 1, await RevisionAsync());
        await pay.PostFragmentAsync("/pay/selection/invoice", new() { ["invoiceId"] = single[1].Id.ToString() });
        Assert.Equal(revision + 2, await RevisionAsync());
    }

    [Fact]
    public async Task AnActionThatLeavesTheSelectionAsItWasWritesNothingAndKeepsTheRevision()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var invoice = (await _factory.PayableInvoicesAsync("1001")).First(i => i.Parent is null);
        var customerId = await _factory.CustomerIdAsync("1001");
        Task<(int Revision, DateTimeOffset UpdatedAt)> DraftAsync() => _factory.WithDbAsync(db => db.PaymentDrafts
            .Where(d => d.CustomerId == customerId)
                .Select(d => ValueTuple.Create(d.Revision, d.UpdatedAt)).SingleAsync());

        await pay.PostFragmentAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = invoice.Id.ToString(), ["check"] = "true" });
        var before = await DraftAsync();
        var again = await pay.PostFragmentAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = invoice.Id.ToString(), ["check"] = "true" });
        Assert.Equal(Usd(invoice.Balance), PayPageDriver.Figure(again, "amount-selected"));
        Assert.Equal(before, await DraftAsync());

        await pay.PostFragmentAsync("/pay/selection/all", new());
        var afterAll = await DraftAsync();
        Assert.Equal(before.Revision + 1, afterAll.Revision);
        await pay.PostFragmentAsync("/pay/selection/all", new());
        Assert.Equal(afterAll, await DraftAsync());
    }

    [Fact]
    public async Task WithoutAScriptAnActionRedirectsBackToTheSamePageSizeAndSortAndTheSelectionSurvivesAReload()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var page2 = await pay.PageAsync("?page=2&size=10&sort=due&dir=desc");
        var ids = page2.QuerySelectorAll("input[name=invoiceId]")
            .Select(i => long.Parse(i.GetAttribute("value")!)).ToList();

        var response = await pay.PostAsync("/pay/selection/page", new() {
            ["page"] = "2", ["size"] = "10", ["sort"] = "due", ["dir"] = "desc" }, PayPageDriver.Ids("ids", ids));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/pay?page=2&size=10&sort=due&dir=desc", response.Headers.Location!.ToString());
        var reloaded = await pay.PageAsync("?page=2&size=10&sort=due&dir=desc");
        Assert.Equal("10", PayPageDriver.Figure(reloaded, "invoices-to-pay"));
        Assert.Equal(10, reloaded.QuerySelectorAll("input[name=check][checked]").Length);
        Assert.Equal(ids.Order(), await StoredSelectionAsync("1001"));
        Assert.Equal("10", PayPageDriver.Figure(await pay.PageAsync("?page=7"), "invoices-to-pay"));
    }

    [Fact]
    public async Task SelectAllTakesTheTwoHundredOldestWithTheNoticeAndClearEmptiesIt()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var singles = (await _factory.PayableInvoicesAsync("1001")).Where(i => i.Parent is null).ToList();

        var fragments = await pay.PostFragmentAsync("/pay/selection/all");

        Assert.Equal($"200 of {singles.Count} selected — the most one payment can cover",
            PayPageDriver.Figure(fragments, "selection-message"));
        Assert.Equal("200", PayPageDriver.Figure(fragments, "invoices-to-pay"));
        Assert.Equal(Usd(singles.Take(200).Sum(i => i.Balance)), PayPageDriver.Figure(fragments, "amount-selected"));
        Assert.Equal(singles.Take(200).Select(i => i.Id).Order(), await StoredSelectionAsync("1001"));

        var cleared = await pay.PostFragmentAsync("/pay/selection/clear");
        Assert.Equal("0", PayPageDriver.Figure(cleared, "invoices-to-pay"));
        Assert.Empty(await StoredSelectionAsync("1001"));
    }

    [Fact]
    public async Task PassingTwoHundredIsRefusedWith400AndTheSelectionStaysAsItWas()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.PostFragmentAsync("/pay/selection/all");
        var before = await StoredSelectionAsync("1001");
        var newest = (await _factory.PayableInvoicesAsync("1001"))
            .Where(i => i.Parent is null).Skip(200).Take(5).Select(i => i.Id).ToList();

        var refused = await pay.PostFragmentAsync(
            "/pay/selection/page", repeated: PayPageDriver.Ids("ids", newest), expect: HttpStatusCode.BadRequest);

        Assert.Equal("One payment can cover at most 200 invoices; this would select 205.",
            PayPageDriver.Figure(refused, "selection-message"));
        Assert.Equal("200", PayPageDriver.Figure(refused, "invoices-to-pay"));
        Assert.Equal(before, await StoredSelectionAsync("1001"));
    }

    [Fact]
    public async Task UnderMultiSiteAParentSelectsItsChildrenAndOneUncheckedChildMakesItIndeterminate()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("multi");
        var open = await _factory.PayableInvoicesAsync("1001");
        var parentId = open.First(i => i.Parent is not null).Parent!.Value;
        var children = open.Where(i => i.Parent == parentId).ToList();

        var checkedParent = await pay.PostFragmentAsync("/pay/selection/parent",
            new() { ["parentId"] = parentId.ToString(), ["check"] = "true", ["open"] = parentId.ToString() });
        Assert.Equal(children.Count.ToString(), PayPageDriver.Figure(checkedParent, "invoices-to-pay"));
        Assert.Equal(Usd(children.Sum(c => c.Balance)), PayPageDriver.Figure(checkedParent, "amount-selected"));
        Assert.NotNull(checkedParent.QuerySelector($"#par-{parentId}[checked]"));

        var oneOff = await pay.PostFragmentAsync("/pay/selection/invoice",
            new() { ["invoiceId"] = children[0].Id.ToString(), ["open"] = parentId.ToString() });
        Assert.Equal((children.Count - 1).ToString(), PayPageDriver.Figure(oneOff, "invoices-to-pay"));
        Assert.Equal("true", oneOff.QuerySelector($"#par-{parentId}")!.GetAttribute("data-indeterminate"));
        Assert.False(oneOff.QuerySelector($"#children-{parentId}")!.HasAttribute("hidden"));
    }

    [Fact]
    public async Task SwitchingChoiceStartsAFreshSelectionAndTheTableShowsOnlyThatKind()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.PostFragmentAsync("/pay/selection/all");

        var multi = await pay.ChooseAsync("multi");

        Assert.Equal("0", PayPageDriver.Figure(multi, "invoices-to-pay"));
        Assert.Empty(await StoredSelectionAsync("1001"));
        Assert.Equal(5, multi.QuerySelectorAll("tr.parent-row").Length);
        Assert.Contains("32 sites", multi.QuerySelector("tr.parent-row")!.ParentElement!.ParentElement!.TextContent);
    }

    [Fact]
    public async Task ACustomAmountShowsItsSplitOldestFirstAndCountsTheInvoicesItTouches()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("custom");
        var open = await _factory.PayableInvoicesAsync("1001");
        var amount = open[0].Balance + open[1].Balance + 1;

        var fragments = await pay.PostFragmentAsync(
            "/pay/amount", new() { ["amount"] = Money.FromCents(amount).Format() });

        Assert.Equal(Usd(amount), PayPageDriver.Figure(fragments, "amount-selected"));
        Assert.Equal("3", PayPageDriver.Figure(fragments, "invoices-to-pay"));
        var lines = fragments.QuerySelectorAll("[data-testid=allocation-preview] tbody tr");
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("$0.01" + Usd(open[2].Balance - 1),
            string.Concat(lines[2].QuerySelectorAll("td.money").Skip(1).Select(td => td.TextContent.Trim())));
        // Each line names its own invoice's site (read for the reached invoices only).
        var ids = open.Take(3).Select(i => i.Id).ToList();
        var sites = await _factory.WithDbAsync(db => db.Invoices.Where(i => ids.Contains(i.Id))
            .Select(i => new
            {
                i.Id,
                Site = db.Sites.Where(x => x.Id == i.SiteId).Select(x => x.Name).FirstOrDefault(),
            })
            .ToListAsync());
        for (var n = 0; n < 3; n++)
        {
            var expected = sites.Single(x => x.Id == ids[n]).Site ?? "";
            Assert.False(string.IsNullOrEmpty(expected));
            Assert.Equal(expected, lines[n].QuerySelector("td[data-label=Site]")!.TextContent.Trim());
        }
    }

    [Theory]
    [InlineData("0", "Enter an amount more than zero.")]
    [InlineData("-5", "Enter an amount more than zero.")]
    [InlineData("10.005", "Enter the amount with at most two decimals (cents).")]
    [InlineData("ten dollars", "Enter the amount as a number, like 125.50.")]
    [InlineData("99999999999999999999", "That amount is too large.")]
    [InlineData("", "Enter an amount.")]
    public async Task ABadAmountGetsItsMessageNextToTheFieldAnd400AndTheOldPreviewIsGone(string amount, string message)
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("custom");
        var previewed = await pay.PostFragmentAsync("/pay/amount", new() { ["amount"] = "12.34" });
        var oldPayForm = previewed;

        var refused = await pay.PostFragmentAsync(
            "/pay/amount", new() { ["amount"] = amount }, expect: HttpStatusCode.BadRequest);

        Assert.Equal(message, PayPageDriver.Figure(refused, "amount-message"));
        Assert.Equal(amount, refused.QuerySelector("#custom-amount")!.GetAttribute("value"));
        // Nothing of the old amount stays on screen as if it could be paid: no split, nothing selected, Pay off.
        Assert.Null(refused.QuerySelector("[data-testid=allocation-preview]"));
        Assert.Equal("$0.00", PayPageDriver.Figure(refused, "amount-selected"));
        Assert.NotNull(refused.QuerySelector("#pay-button[disabled]"));
        var page = await pay.PageAsync();
        Assert.Equal("$0.00", PayPageDriver.Figure(page, "amount-selected"));
        Assert.Null(page.QuerySelector("[data-testid=allocation-preview]"));
        // and a Pay form drawn for the old amount cannot pay it
        var paid = await pay.Client.PostFormAsync(page, "/pay/checkout", new()
        {
            ["Method"] = "saved-1",
            ["DraftRevision"] = oldPayForm.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = "1234",
        });
        Assert.Equal(HttpStatusCode.Conflict, paid.StatusCode);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Payments.CountAsync()));
    }

    [Fact]
    public async Task AnAmountOverTheBalanceNamesTheMostThatCanBePaid()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.SecondCustomer);
        await pay.ChooseAsync("custom");
        var balance = (await _factory.PayableInvoicesAsync("1002")).Sum(i => i.Balance);

        var refused = await pay.PostFragmentAsync("/pay/amount",
            new() { ["amount"] = Money.FromCents(balance + 1).ToPlainString() }, expect: HttpStatusCode.BadRequest);

        Assert.Equal($"The most you can pay is {Usd(balance)}.", PayPageDriver.Figure(refused, "amount-message"));
    }

    [Fact]
    public async Task WithoutAScriptARefusalAnswersTheWholePageWith400AndTheMessage()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var id = (await _factory.PayableInvoicesAsync("1001")).First(i => i.Parent is null).Id;

        var response = await pay.PostAsync("/pay/selection/page", repeated: PayPageDriver.Ids("ids", [id, id]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = PortalClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("The same invoice was given more than once.", PayPageDriver.Figure(page, "selection-message"));
        Assert.NotNull(page.QuerySelector("#pay-overview"));
    }

    [Fact]
    public async Task AnotherCustomersInvoiceOrMultiSiteInvoiceIs404AndChangesNothing()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.PostFragmentAsync("/pay/selection/all");
        var before = await StoredSelectionAsync("1001");
        var alpineInvoice = (await _factory.PayableInvoicesAsync("1002"))[0].Id;

        var toggle = await pay.PostAsync("/pay/selection/invoice",
            new() { ["invoiceId"] = alpineInvoice.ToString(), ["check"] = "true" }, fragment: true);
        var page = await pay.PostAsync(
            "/pay/selection/page", repeated: PayPageDriver.Ids("ids", [alpineInvoice]), fragment: true);
        var unknown = await pay.PostAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = "987654321", ["check"] = "true" });
        await pay.ChooseAsync("multi");
        var parent = await pay.PostAsync(
            "/pay/selection/parent", new() { ["parentId"] = "987654321", ["check"] = "true" }, fragment: true);

        Assert.Equal(HttpStatusCode.NotFound, toggle.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, parent.StatusCode);
        Assert.Contains("That invoice is not one of your open invoices.", await toggle.Content.ReadAsStringAsync());
        Assert.Equal(200, before.Count);
    }

    [Fact]
    public async Task APaidOrVoidInvoiceCannotBeSelected()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.SecondCustomer);
        var open = await _factory.PayableInvoicesAsync("1002");
        await _factory.WithDbAsync(async db =>
        {
            var invoices = await db.Invoices.Where(i => i.Id == open[0].Id || i.Id == open[1].Id).ToListAsync();
            var paid = invoices.Single(i => i.Id == open[0].Id);
            paid.ReservePending(paid.BalanceCents);
            paid.SettlePending(paid.PendingCents);
            invoices.Single(i => i.Id == open[1].Id).Void();
            return await db.SaveChangesAsync();
        });

        var paidResponse = await pay.PostAsync("/pay/selection/invoice",
            new() { ["invoiceId"] = open[0].Id.ToString(), ["check"] = "true" }, fragment: true);
        var voidResponse = await pay.PostAsync("/pay/selection/invoice",
            new() { ["invoiceId"] = open[1].Id.ToString(), ["check"] = "true" }, fragment: true);

        Assert.Equal(HttpStatusCode.NotFound, paidResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, voidResponse.StatusCode);
        Assert.Equal(4, (await pay.PageAsync()).QuerySelectorAll("[data-testid=open-invoices] tbody tr").Length);
    }

    [Fact]
    public async Task ContinueHandsTheSelectedInvoicesToCheckoutAndRefusesAnEmptySelection()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.SecondCustomer);
        var empty = await pay.PostAsync("/pay/continue");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Select at least one invoice before you continue.", await empty.Content.ReadAsStringAsync());

        await pay.PostFragmentAsync("/pay/selection/all");
        var response = await pay.PostAsync("/pay/continue");

        Assert.Equal("/pay/checkout", response.Headers.Location!.ToString());
        var checkout = await pay.Client.GetDocumentAsync("/pay/checkout");
        Assert.Equal(Usd((await _factory.PayableInvoicesAsync("1002")).Sum(i => i.Balance)),
            PayPageDriver.Figure(checkout, "plan-total"));
        Assert.Equal(6, checkout.QuerySelectorAll("[data-testid=split] tbody tr").Length);
    }

    [Fact]
    public async Task TheSelectionBelongsToTheUserAndCustomerThatMadeIt()
    {
        var summit = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var alpine = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.SecondCustomer);

        await summit.PostFragmentAsync("/pay/selection/all");

        Assert.Equal("0", PayPageDriver.Figure(await alpine.PageAsync(), "invoices-to-pay"));
        var drafts = await _factory.WithDbAsync(
            db => db.PaymentDrafts.Select(d => new { d.UserId, d.CustomerId, d.Choice }).ToListAsync());
        var draft = Assert.Single(drafts);
        Assert.Equal(await _factory.CustomerIdAsync("1001"), draft.CustomerId);
        Assert.Equal(PaymentChoice.SingleSite, draft.Choice);
    }

    [Fact]
    public async Task AnUnknownChoiceIsRefusedNextToTheChoices()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);

        var response = await pay.PostAsync("/pay/choice", new() { ["choice"] = "everything" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = PortalClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Choose what you are paying today", PayPageDriver.Figure(page, "choice-message"));
    }
}
