using CustomerPortal.Web.Tests.Infrastructure;
using System.Net;
using System.Text;
using System.Text.Json;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// An ACH debit the bank returns after it was processing is a return, not a decline (issue 16, bug 5): named by its
/// return code on the payment page, in history and on the receipt; an account returned as closed is not offered again
/// until the customer adds it again.
/// </summary>
public sealed class AchReturnTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    /// <summary>Pays the oldest open invoices from a new bank account; the bank then settles or returns it.</summary>
    private async Task<(long Id, List<CustomerPortal.Domain.Invoices.Invoice> Invoices)> PayAndSettleAsync(
        string account, bool save = false)
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var id = PayKit.PaymentIdFrom(
            await _kit.PayAsync("new-" + await _kit.BankTokenAsync(account), save: save, achAuthorized: true));
        Assert.Equal(PaymentStatus.Processing, await StatusAsync(id));
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await _kit.RunJobsAsync();
        return (id, invoices);
    }

    private Task<PaymentStatus> StatusAsync(long id) =>
        _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());

    [Fact]
    public async Task AnR01ReturnSaysTheBankReturnedItAndTheBalancesAreAsBefore()
    {
        var (id, invoices) = await PayAndSettleAsync(PayKit.AchR01);

        Assert.Equal(PaymentStatus.Returned, await StatusAsync(id));
        var page = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        const string returned = "Returned by your bank (R01: insufficient funds)";
        Assert.Equal(returned, page.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());
        Assert.Equal(returned, page.QuerySelector("[data-testid=failure]")!.TextContent.Trim());
        var outcome = page.QuerySelector("[data-testid=outcome]")!.TextContent;
        Assert.Contains("The invoices are open again with their balances as before.", outcome);
        Assert.DoesNotContain("Declined", outcome);
        Assert.DoesNotContain("selection is kept", outcome);

        var history = await _kit.Client.GetDocumentAsync("/pay/history");
        Assert.Equal(returned, history.QuerySelector("[data-testid=history-status]")!.TextContent.Trim());
        Assert.Contains("The invoices are open again", history.QuerySelector("[data-testid=history]")!.TextContent);

        var pdf = await _kit.Client.Http.GetAsync($"/payments/{id}/receipt.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains(returned, text);
            Assert.Contains("The invoices are open again with their balances as before.", text);
        }

        var after = await _kit.DbAsync(db => db.Invoices.AsNoTracking()
            .Where(i => invoices.Select(x => x.Id).Contains(i.Id)).ToDictionaryAsync(i => i.Id));
        Assert.All(invoices, i => Assert.Equal((i.BalanceCents, i.PaidCents, 0L),
            (after[i.Id].BalanceCents, after[i.Id].PaidCents, after[i.Id].PendingCents)));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task AnAccountReturnedAsClosedIsNotOfferedOrChargedUntilTheCustomerAddsItAgain()
    {
        var (id, _) = await PayAndSettleAsync(PayKit.AchR02, save: true);
        Assert.Equal(PaymentStatus.Returned, await StatusAsync(id));
        var account = await _kit.DbAsync(db => db.SavedPaymentMethods.AsNoTracking()
            .SingleAsync(m => m.CustomerId == _kit.CustomerId && m.RemovedAt == null));
        Assert.Equal("R02", account.ReturnCode);

        // the checkout lists it, says why, and does not offer it (not selectable, not the default)
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var checkout = await _kit.Client.GetDocumentAsync("/pay/checkout");
        Assert.Equal("Returned (account closed) — add it again to use it",
            checkout.QuerySelector("[data-testid=method-returned]")!.TextContent.Trim());
        var radio = checkout.QuerySelector($"input[name=Method][value=saved-{account.Id}]")!;
        Assert.True(radio.HasAttribute("disabled"));
        Assert.False(radio.HasAttribute("checked"));

        // paying with it anyway, or charging it from the back office, is refused and charges nothing
        var charges = (await _kit.Sandbox.ListChargesAsync()).Count;
        var refused = await _kit.PayAsync($"saved-{account.Id}", achAuthorized: true);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("add it again to use it", await refused.Content.ReadAsStringAsync());
        var api = await BackOfficeChargeAsync(account.Id);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, api.StatusCode);
        Assert.Contains("R02: account closed", await api.Content.ReadAsStringAsync());
        Assert.Equal(charges, (await _kit.Sandbox.ListChargesAsync()).Count);

        // the customer adds the same account again: it is offered, and can be charged
        var token = await _kit.BankTokenAsync(PayKit.AchR02);
        var added = await _kit.Client.PostAsync("/pay/methods",
            new() { ["token"] = token, ["achAuthorized"] = "true", ["return_url"] = "/pay/checkout" },
            tokenPage: "/pay/history");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var again = await _kit.DbAsync(db => db.SavedPaymentMethods.AsNoTracking()
            .SingleAsync(m => m.CustomerId == _kit.CustomerId && m.RemovedAt == null));
        Assert.Equal(("1113", null), (again.Last4, again.ReturnCode));
        checkout = await _kit.Client.GetDocumentAsync("/pay/checkout");
        Assert.Null(checkout.QuerySelector("[data-testid=method-returned]"));
        Assert.True(checkout.QuerySelector($"input[name=Method][value=saved-{again.Id}]")!.HasAttribute("checked"));
        var charged = await BackOfficeChargeAsync(again.Id);
        Assert.True(charged.IsSuccessStatusCode, await charged.Content.ReadAsStringAsync());
        await _kit.AssertInvariantsAsync();
    }

    private async Task<HttpResponseMessage> BackOfficeChargeAsync(long methodId)
    {
        string key;
        await using (var scope = _kit.Factory.Scope())
            key = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(_kit.CompanyId)).Key;
        var client = _kit.Factory.CreateClient(
            new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        var oldest = (await _kit.OpenInvoicesAsync(1))[0];
        var request = new HttpRequestMessage(HttpMethod.Post,
            $"/api/v1/customers/CUST-1001/payment-methods/{methodId}/charges")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { amountCents = oldest.BalanceCents }),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", "bo-" + Guid.NewGuid().ToString("N")[..16]);
        return await client.SendAsync(request);
    }
}
