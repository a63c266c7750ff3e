using System.Net;
using AngleSharp.Html.Dom;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Shared;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ChargeOutcome = CustomerPortal.Domain.Payments.Gateway.ChargeOutcome;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// A card or bank token entered in the processor's form belongs to the customer and contact who entered it, for an
/// hour, and never travels in a URL; the sandbox's 3-D Secure page answers only the payment's own customer (issue 14,
/// findings 1 and 5). Summit (the kit's customer) and Alpine are two customers of the same company.
/// </summary>
public sealed class TokenOwnershipTests : IAsyncLifetime
{
    private PayKit _kit = null!;
    private PortalClient _alpine = null!;
    private long _alpineId;
    private string _alpineUser = "";

    public async Task InitializeAsync()
    {
        _kit = await PayKit.StartAsync();
        _alpine = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.SecondCustomer);
        (_alpineId, _alpineUser) = await _kit.DbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == DemoAccounts.SecondCustomer);
            return (user.CustomerId!.Value, user.Id);
        });
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private async Task SelectForAlpineAsync()
    {
        var invoice = await _kit.DbAsync(db => db.Invoices.AsNoTracking()
            .Where(i => i.CustomerId == _alpineId && i.MultiSiteInvoiceId == null && !i.IsVoid)
            .Where(i => i.PendingCents == 0 && i.BalanceCents > 0)
            .OrderBy(i => i.Id).Select(i => i.Id).FirstAsync());
        await _kit.SelectAsync([invoice], _alpineUser, _alpineId);
    }

    private Task<HttpResponseMessage> SaveAsync(PortalClient client, string token) =>
        client.PostAsync(
            "/pay/methods", new() { ["token"] = token, ["return_url"] = "/pay/checkout" }, tokenPage: "/pay/history");

    /// <summary>
    /// All that <paramref name="customerId"/> could do with a token not theirs: each is 404 and changes nothing.
    /// </summary>
    private async Task AssertCannotUseAsync(PortalClient client, long customerId, string token)
    {
        var chargesBefore = await _kit.Sandbox.CountChargesAsync();
        var ownerBefore = (await _kit.Sandbox.GetPaymentMethodAsync(token))!.ProcessorCustomerId;

        // show: the token in the URL (as the checkout read it before) shows nothing of the card
        var shown = await client.GetAsync("/pay/checkout?pm=" + Uri.EscapeDataString(token));
        var html = await shown.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, html, StringComparison.Ordinal);
        Assert.Null(PortalClient.Parse(html).QuerySelector("[data-testid=new-method]"));

        Assert.Equal(HttpStatusCode.NotFound, (await SaveAsync(client, token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.PayAsync("new-" + token, client: client)).StatusCode);

        // nothing attached, nothing charged, no payment row, no saved method
        Assert.Equal(ownerBefore, (await _kit.Sandbox.GetPaymentMethodAsync(token))!.ProcessorCustomerId);
        Assert.Equal(chargesBefore, await _kit.Sandbox.CountChargesAsync());
        Assert.False(await _kit.DbAsync(db =>
            db.Payments.AnyAsync(p => p.CustomerId == customerId && p.ProcessorMethodToken == token)));
        Assert.False(await _kit.DbAsync(db =>
            db.SavedPaymentMethods.AnyAsync(m => m.CustomerId == customerId && m.ProcessorMethodId == token)));
    }

    private Task<PaymentStatus> StatusAsync(long paymentId) =>
        _kit.DbAsync(db => db.Payments.Where(p => p.Id == paymentId).Select(p => p.Status).SingleAsync());

    [Fact]
    public async Task ACardEnteredByOneCustomerCannotBeSavedChargedOrSeenByAnother()
    {
        // Summit enters a card and pays without saving it: the processor keeps the token, attached to nobody.
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var summitToken = await _kit.CardTokenAsync(PayKit.Visa);
        var summitPayment = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + summitToken));
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(summitPayment));
        Assert.Null((await _kit.Sandbox.GetPaymentMethodAsync(summitToken))!.ProcessorCustomerId);

        await SelectForAlpineAsync();
        await AssertCannotUseAsync(_alpine, _alpineId, summitToken);

        // and the other way round: a card Alpine entered is not Summit's
        var alpineToken = await _kit.CardTokenAsync(PayKit.ThreeDs, client: _alpine);
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        await AssertCannotUseAsync(_kit.Client, _kit.CustomerId, alpineToken);
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task ACardEnteredByOneContactCannotBeUsedByAnotherContactOfTheSameCustomer()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        var token = await _kit.CardTokenAsync(PayKit.Visa);
        const string colleague = "colleague-of-summit";
        await _kit.SelectAsync(invoices.Select(i => i.Id), userId: colleague);
        var access = await _kit.AccessAsync(colleague);
        var client = new PayClient("127.0.0.1", "test", "http://localhost");
        var revision = await _kit.DbAsync(db =>
            db.PaymentDrafts.Where(d => d.UserId == colleague).Select(d => d.Revision).SingleAsync());

        await using var scope = _kit.Factory.Scope();
        var paid = await scope.ServiceProvider.GetRequiredService<PaymentService>()
            .SubmitAsync(access, new PayCommand(revision, invoices[0].BalanceCents, null, token, false, false), client);
        var saved = await scope.ServiceProvider.GetRequiredService<PaymentMethodService>()
            .AddAsync(access, token, false, client, CancellationToken.None);

        Assert.Equal((false, 404), (paid.IsPayment, paid.StatusCode));
        Assert.Equal((false, 404), (saved.IsPayment, saved.StatusCode));
        Assert.Equal(0, await _kit.Sandbox.CountChargesAsync());
        Assert.Null((await _kit.Sandbox.GetPaymentMethodAsync(token))!.ProcessorCustomerId);
        Assert.Empty(await _kit.DbAsync(db => db.Payments.ToListAsync()));
    }

    [Fact]
    public async Task AnEnteredCardExpiresAfterAnHour()
    {
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var token = await _kit.CardTokenAsync(PayKit.Visa);
        Assert.NotNull((await _kit.Client.GetDocumentAsync("/pay/checkout")).QuerySelector("[data-testid=new-method]"));

        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(61));

        Assert.Null((await _kit.Client.GetDocumentAsync("/pay/checkout")).QuerySelector("[data-testid=new-method]"));
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.PayAsync("new-" + token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SaveAsync(_kit.Client, token)).StatusCode);
        Assert.Equal(0, await _kit.Sandbox.CountChargesAsync());
        Assert.Null((await _kit.Sandbox.GetPaymentMethodAsync(token))!.ProcessorCustomerId);
        Assert.Empty(await _kit.DbAsync(db => db.Payments.ToListAsync()));
        Assert.False(await _kit.DbAsync(db => db.SavedPaymentMethods.AnyAsync(m => m.ProcessorMethodId == token)));
    }

    /// <summary>Every URL the page links to or posts to, and every value its fields carry.</summary>
    private static IEnumerable<string> AddressesAndValues(IHtmlDocument page) =>
        page.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!)
            .Concat(page.QuerySelectorAll("form[action]").Select(f => f.GetAttribute("action")!))
            .Concat(page.QuerySelectorAll("input[value]").Select(i => i.GetAttribute("value")!));

    [Fact]
    public async Task AnEnteredCardNeverTravelsInAUrlAndThePageStillPaysWithIt()
    {
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var form = await _kit.Client.GetDocumentAsync("/sandbox/elements/card?return_url=%2Fpay%2Fcheckout");
        var entered = await _kit.Client.PostFormAsync(form, "/sandbox/elements/card", new()
        {
            ["number"] = PayKit.Visa, ["expMonth"] = "12", ["expYear"] = "2030", ["cvc"] = "123",
            ["return_url"] = "/pay/checkout",
        });

        Assert.Equal(HttpStatusCode.Redirect, entered.StatusCode);
        var location = entered.Headers.Location!.ToString();
        Assert.Equal("/pay/checkout", location);

        var checkout = await _kit.Client.GetDocumentAsync(location);
        var newMethod = checkout.QuerySelector("[data-testid=new-method]")!;
        Assert.Contains("Visa •••• 4242", newMethod.TextContent);
        Assert.DoesNotContain(AddressesAndValues(checkout), v => v.Contains("spm_", StringComparison.Ordinal));
        Assert.DoesNotContain("spm_", checkout.DocumentElement.OuterHtml, StringComparison.Ordinal);

        // The Pay button posts what the page holds.
        var radio = (IHtmlInputElement)newMethod.QuerySelector("input[name=Method]")!;
        Assert.True(radio.IsChecked);
        var paid = await _kit.Client.PostFormAsync(checkout, "/pay/checkout", new()
        {
            ["Method"] = radio.Value,
            ["DraftRevision"] = checkout.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = checkout.QuerySelector("input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
        });
        var id = PayKit.PaymentIdFrom(paid);
        Assert.DoesNotContain("spm_", paid.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(id));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task ARefusedPayOffersTheEnteredAccountAgainWithoutItsToken()
    {
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var token = await _kit.BankTokenAsync(PayKit.AchOk);

        // posted as Stripe's Payment Element posts a token, without the bank debit authorization
        var refused = await _kit.PayAsync("new-" + token);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = PortalClient.Parse(await refused.Content.ReadAsStringAsync());
        var radio = (IHtmlInputElement)page.QuerySelector("[data-testid=new-method] input[name=Method]")!;
        Assert.True(radio.IsChecked);
        Assert.StartsWith("entered-", radio.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Equal(0, await _kit.Sandbox.CountChargesAsync());
    }

    [Fact]
    public async Task TheThreeDSecurePageAnswersOnlyThePaymentsOwnCustomer()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var response = await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.ThreeDs));
        var challenge = response.Headers.Location!.ToString();
        Assert.StartsWith("/sandbox/3ds/", challenge);
        var path = challenge.Split('?')[0];
        var processorId = path["/sandbox/3ds/".Length..];
        var id = PayKit.PaymentIdFrom(response);

        // Alpine, holding the address, neither sees the amount nor completes or fails the payment.
        var seen = await _alpine.GetAsync(challenge);
        Assert.Equal(HttpStatusCode.NotFound, seen.StatusCode);
        var amount = CustomerPortal.Domain.Money.FromCents(invoices[0].BalanceCents).Format();
        Assert.DoesNotContain(amount, await seen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var approve in new[] { "true", "false" })
        {
            var answer = await _alpine.PostAsync(path, new() { ["approve"] = approve, ["return_url"] = "/pay/history" },
                tokenPage: "/pay/history");
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        }
        Assert.Equal(ChargeOutcome.RequiresAction, (await _kit.Sandbox.GetPaymentAsync(processorId))!.Outcome);
        Assert.Equal(PaymentStatus.RequiresAction, await StatusAsync(id));

        // Summit completes it.
        var page = await _kit.Client.GetDocumentAsync(challenge);
        var back = await _kit.Client.PostFormAsync(
            page, path, new() { ["approve"] = "true", ["return_url"] = $"/pay/payments/{id}" });
        Assert.Equal($"/pay/payments/{id}", back.Headers.Location!.ToString());
        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal("Paid", result.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());

        // Once it has ended the page is nobody's.
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.Client.GetAsync(challenge)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alpine.GetAsync(challenge)).StatusCode);
        await _kit.RunJobsAsync();
        await _kit.AssertInvariantsAsync(settled: true);
    }
}
