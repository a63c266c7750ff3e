using System.Net;
using AngleSharp.Html.Dom;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CustomerPortal.Web.Tests.Infrastructure.PageText;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// "How will you be paying today?" is a section of the Make a Payment page, under the Open Invoices table, with one
/// Pay button that names the exact amount. The page is a plain form: it pays without script and without the checkout
/// step, through checkout's own handler (one payment path, one idempotency key).
/// </summary>
public sealed class PayFromThePageTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() =>
        _kit = await PayKit.StartAsync(f => f.With("Payments:SeedDemoMethods", "true"));

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private static Dictionary<string, string> PayFields(IHtmlDocument page, string? method = null) => new()
    {
        ["Method"] = method
            ?? page.QuerySelector("input[name=Method][form=pay-form][checked]")!.GetAttribute("value")!,
        ["DraftRevision"] = page.QuerySelector("#pay-form input[name=DraftRevision]")!.GetAttribute("value")!,
        ["ExpectedAmountCents"] =
            page.QuerySelector("#pay-form input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
    };

    [Fact]
    public async Task ThePayButtonUnderTheTableNamesTheExactAmountAndADoubleClickMakesOnePayment()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var amount = invoices.Sum(i => i.BalanceCents);

        var page = await _kit.Client.GetDocumentAsync("/pay");
        Assert.Equal("How will you be paying today?", page.QuerySelector("#paying-heading")!.TextContent.Trim());
        // below the Open Invoices table, and the Pay button below the methods
        var html = page.DocumentElement.OuterHtml;
        Assert.True(html.IndexOf("data-testid=\"open-invoices\"", StringComparison.Ordinal)
            < html.IndexOf("id=\"paying-heading\"", StringComparison.Ordinal));
        Assert.True(html.IndexOf("id=\"paying-heading\"", StringComparison.Ordinal)
            < html.IndexOf("id=\"pay-button\"", StringComparison.Ordinal));
        var button = page.QuerySelector("#pay-button")!;
        Assert.Equal("Pay " + Usd(amount), button.TextContent.Trim());
        Assert.False(button.HasAttribute("disabled"));
        Assert.Equal("/pay/checkout", page.QuerySelector("form#pay-form")!.GetAttribute("action"));
        // the default card is chosen; the bank account's authorization names the exact amount
        Assert.Contains("Visa •••• 4242",
            page.QuerySelector("input[name=Method][checked]")!.ParentElement!.TextContent);
        Assert.Contains(Usd(amount), page.QuerySelector("#ach-text")!.TextContent);

        var fields = PayFields(page);
        var first = await _kit.Client.PostFormAsync(page, "/pay/checkout", fields);
        var second = await _kit.Client.PostFormAsync(page, "/pay/checkout", fields);

        var id = PayKit.PaymentIdFrom(first);
        Assert.Equal(id, PayKit.PaymentIdFrom(second));
        var payments = await _kit.DbAsync(db => db.Payments.AsNoTracking().ToListAsync());
        var payment = Assert.Single(payments);
        Assert.Equal((amount, PaymentStatus.Succeeded), (payment.AmountCents, payment.Status));
        await _kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task ANewCardEnteredFromThePageComesBackToItAndIsNotSavedUnlessTicked()
    {
        var invoice = (await _kit.OpenInvoicesAsync(1)).Single();
        await _kit.SelectAsync([invoice.Id]);
        var form = await _kit.Client.GetDocumentAsync("/pay");
        var link = form.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Add a new card");
        var entry = await _kit.Client.GetDocumentAsync(link.GetAttribute("href")!);
        var back = entry.QuerySelector("input[name=return_url]")!.GetAttribute("value")!;
        var entered = await _kit.Client.PostFormAsync(entry, "/sandbox/elements/card", new()
        {
            ["number"] = PayKit.Visa, ["expMonth"] = "11", ["expYear"] = "2031", ["cvc"] = "123", ["return_url"] = back,
        });
        Assert.Equal(HttpStatusCode.Redirect, entered.StatusCode);
        Assert.StartsWith("/pay#", entered.Headers.Location!.ToString());

        var page = await _kit.Client.GetDocumentAsync("/pay");
        var fresh = page.QuerySelector("[data-testid=new-method]")!;
        Assert.Contains("Expires 11/2031", fresh.TextContent);
        Assert.NotNull(fresh.QuerySelector("input[name=Method][checked]"));
        var save = page.QuerySelector("#save-method")!;
        Assert.Equal("Save for future payments", page.QuerySelector("label[for=save-method]")!.TextContent.Trim());
        Assert.False(save.HasAttribute("checked"));

        var before = await _kit.DbAsync(db => db.SavedPaymentMethods.CountAsync());
        PayKit.PaymentIdFrom(await _kit.Client.PostFormAsync(page, "/pay/checkout", PayFields(page)));
        Assert.Equal(before, await _kit.DbAsync(db => db.SavedPaymentMethods.CountAsync()));
    }

    [Fact]
    public async Task ThePayButtonIsOffWithNothingSelectedOrNoUsableMethod()
    {
        var nothing = await _kit.Client.GetDocumentAsync("/pay");
        Assert.True(nothing.QuerySelector("#pay-button")!.HasAttribute("disabled"));

        // Alpine's only method is an expired card: shown, not choosable, and Pay stays off with a selection.
        var alpine = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.SecondCustomer);
        var first = (await _kit.Factory.PayableInvoicesAsync("1002")).First();
        var page = await alpine.GetDocumentAsync("/pay");
        await alpine.PostFormAsync(page, "/pay/selection/invoice",
            new() { ["invoiceId"] = Text(first.Id), ["check"] = "true" });
        page = await alpine.GetDocumentAsync("/pay");
        Assert.Equal("Pay " + Usd(first.Balance), page.QuerySelector("#pay-button")!.TextContent.Trim());
        Assert.True(page.QuerySelector("#pay-button")!.HasAttribute("disabled"));
        Assert.All(page.QuerySelectorAll("input[name=Method]"), m => Assert.True(m.HasAttribute("disabled")));
    }

    [Fact]
    public async Task ABankAccountPaysFromThePageOnlyWithTheAuthorizationAccepted()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var page = await _kit.Client.GetDocumentAsync("/pay");
        var bank = page.QuerySelector("input[name=Method][data-kind=bank]")!.GetAttribute("value")!;

        var refused = await _kit.Client.PostFormAsync(page, "/pay/checkout", PayFields(page, bank));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(0, await _kit.DbAsync(db => db.Payments.CountAsync()));

        var fields = PayFields(page, bank);
        fields["AchAuthorized"] = "true";
        var id = PayKit.PaymentIdFrom(await _kit.Client.PostFormAsync(page, "/pay/checkout", fields));
        var payment = await _kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal((invoices.Sum(i => i.BalanceCents), PaymentStatus.Processing),
            (payment.AmountCents, payment.Status));
    }

    [Fact]
    public async Task ASiteInvoiceKeepsItsParentLabelAtCheckoutAndOnThePaymentPage()
    {
        var pay = new PayPageDriver(_kit.Client);
        await pay.ChooseAsync("multi");
        var child = (await _kit.Factory.PayableInvoicesAsync("1001")).First(i => i.Parent is not null);
        await pay.PostAsync("/pay/selection/invoice", new() { ["invoiceId"] = Text(child.Id), ["check"] = "true" });
        var label = await _kit.DbAsync(async db =>
        {
            var parent = await db.MultiSiteInvoices.Where(p => p.Id == child.Parent).Select(p => p.Number)
                .SingleAsync();
            var site = await db.Invoices.Where(i => i.Id == child.Id)
                .Select(i => db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).Single()).SingleAsync();
            return parent + " · " + site;
        });

        var checkout = await _kit.Client.GetDocumentAsync("/pay/checkout");
        Assert.Equal(label, checkout.QuerySelector("[data-testid=split] [data-testid=parent-label]")!
            .TextContent.Trim());

        var page = await _kit.Client.GetDocumentAsync("/pay");
        var id = PayKit.PaymentIdFrom(await _kit.Client.PostFormAsync(page, "/pay/checkout", PayFields(page)));
        var receipt = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal(label, receipt.QuerySelector("[data-testid=allocations] [data-testid=parent-label]")!
            .TextContent.Trim());
        Assert.Contains("receipt-number", receipt.QuerySelector("[data-testid=receipt]")!.ClassList);
    }
}
