using System.Net;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// Whole card payments through the checkout page and the sandbox processor, invariants checked after each.
/// </summary>
public sealed class CardPaymentTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task ACardPaymentPaysTheSelectedInvoicesAndShowsAReceipt()
    {
        var invoices = await _kit.OpenInvoicesAsync(3);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var total = invoices.Sum(i => i.BalanceCents);

        var checkout = await _kit.Client.GetDocumentAsync("/pay/checkout");
        Assert.Equal($"Pay {CustomerPortal.Domain.Money.FromCents(total).Format()}",
            checkout.QuerySelector("[data-testid=pay-button]")!.TextContent.Trim());

        var token = await _kit.CardTokenAsync(PayKit.Visa);
        var response = await _kit.PayAsync("new-" + token, save: true);
        var id = PayKit.PaymentIdFrom(response);

        var page = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal("Paid", page.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());
        Assert.StartsWith("R-", page.QuerySelector("[data-testid=receipt]")!.TextContent);
        foreach (var i in invoices)
            Assert.Contains(i.Number, page.QuerySelector("[data-testid=allocations]")!.TextContent);
        var after = await _kit.DbAsync(
            db => db.Invoices.AsNoTracking().Where(i => invoices.Select(x => x.Id).Contains(i.Id)).ToListAsync());
        Assert.All(after, i => Assert.Equal(0, i.BalanceCents));
        Assert.All(after, i => Assert.Equal(0, i.PendingCents));
        // saved for next time, as the default
        var saved = await _kit.DbAsync(
            db => db.SavedPaymentMethods.AsNoTracking().SingleAsync(m => m.CustomerId == _kit.CustomerId));
        Assert.Equal("4242", saved.Last4);
        Assert.True(saved.IsDefault);
        // the draft started over
        Assert.Contains("Nothing is selected", (await _kit.Client.GetDocumentAsync("/pay/checkout")).Body!.TextContent);
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Theory]
    [InlineData(PayKit.Declined, "Your card was declined.")]
    [InlineData(PayKit.NoFunds, "Your card has insufficient funds.")]
    [InlineData(PayKit.ExpiredCard, "Your card has expired.")]
    public async Task ADeclineSaysWhyAppliesNothingAndKeepsTheSelection(string card, string reason)
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));

        var id = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(card)));

        var page = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal(reason, page.QuerySelector("[data-testid=failure]")!.TextContent.Trim());
        var after = await _kit.DbAsync(
            db => db.Invoices.AsNoTracking().Where(i => invoices.Select(x => x.Id).Contains(i.Id)).ToListAsync());
        Assert.Equal(invoices.Select(i => i.BalanceCents), after.OrderOldestFirst().Select(i => i.BalanceCents));
        Assert.All(after, i => Assert.Equal(0, i.PendingCents));
        // the selection is kept, and a new attempt is a new payment (not the stored decline replayed)
        var retry = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa)));
        Assert.NotEqual(id, retry);
        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == retry).Select(p => p.Status).SingleAsync()));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task ThreeDSecureSendsTheCustomerToTheChallengeAndBack()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));

        var response = await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.ThreeDs));
        var challenge = response.Headers.Location!.ToString();
        Assert.StartsWith("/sandbox/3ds/", challenge);
        var id = PayKit.PaymentIdFrom(response);
        Assert.Equal(PaymentStatus.RequiresAction,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        // held pending
        Assert.Equal(0, (await _kit.DbAsync(db => db.Invoices.SingleAsync(i => i.Id == invoices[0].Id))).BalanceCents);

        var page = await _kit.Client.GetDocumentAsync(challenge);
        var back = await _kit.Client.PostFormAsync(
            page, challenge.Split('?')[0], new() { ["approve"] = "true", ["return_url"] = $"/pay/payments/{id}" });
        Assert.Equal($"/pay/payments/{id}", back.Headers.Location!.ToString());
        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal("Paid", result.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());
        await _kit.RunJobsAsync(); // the events arrive afterwards and change nothing
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task AFailedChallengeReleasesTheInvoices()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var response = await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.ThreeDs));
        var challenge = response.Headers.Location!.ToString();
        var id = PayKit.PaymentIdFrom(response);
        var page = await _kit.Client.GetDocumentAsync(challenge);
        await _kit.Client.PostFormAsync(
            page, challenge.Split('?')[0], new() { ["approve"] = "false", ["return_url"] = $"/pay/payments/{id}" });

        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal("The payment was not authenticated with your bank.",
            result.QuerySelector("[data-testid=failure]")!.TextContent.Trim());
        Assert.Equal(invoices[0].BalanceCents,
            (await _kit.DbAsync(db => db.Invoices.SingleAsync(i => i.Id == invoices[0].Id))).BalanceCents);
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task ACustomAmountIsSplitOldestFirst()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        var amount = invoices[0].BalanceCents + 100;
        await _kit.SetCustomAmountAsync(amount);
        var id = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa)));
        var allocations = await _kit.DbAsync(
            db => db.PaymentAllocations.AsNoTracking().Where(a => a.PaymentId == id).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal([(invoices[0].Id, invoices[0].BalanceCents), (invoices[1].Id, 100L)],
            allocations.Select(a => (a.InvoiceId, a.AmountCents)));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task ARefreshOrRepostOfTheSamePageIsTheSamePayment()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var token = await _kit.CardTokenAsync(PayKit.Visa);
        var page = await _kit.Client.GetDocumentAsync("/pay/checkout");
        var fields = new Dictionary<string, string>
        {
            ["Method"] = "new-" + token,
            ["DraftRevision"] = page.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = page.QuerySelector("input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
        };
        var first = PayKit.PaymentIdFrom(await _kit.Client.PostFormAsync(page, "/pay/checkout", fields));
        var again = PayKit.PaymentIdFrom(await _kit.Client.PostFormAsync(page, "/pay/checkout", fields));
        Assert.Equal(first, again);
        Assert.Single(await _kit.Sandbox.ListChargesAsync());
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task AnAmountThatChangedSinceThePageWasShownIsRefusedAndNothingChanges()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var response = await _kit.PayAsync(
            "new-" + await _kit.CardTokenAsync(PayKit.Visa), overrides: new() { ["ExpectedAmountCents"] = "1" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("The amount to pay is now", await response.Content.ReadAsStringAsync());
        Assert.Empty(await _kit.DbAsync(db => db.Payments.ToListAsync()));
        await _kit.AssertInvariantsAsync();
    }
}
