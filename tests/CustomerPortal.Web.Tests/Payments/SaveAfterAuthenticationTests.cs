using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Domain.Payments;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// "Save for future payments" with a 3-D Secure card (issue 16, bug 2): the processor's first answer is "requires
/// action"; the card is saved when the payment finally succeeds, whichever way the verdict arrives, and never when it
/// fails.
/// </summary>
public sealed class SaveAfterAuthenticationTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private Task<List<SavedPaymentMethod>> SavedAsync() => _kit.DbAsync(db =>
        db.SavedPaymentMethods.AsNoTracking().Where(m => m.CustomerId == _kit.CustomerId).ToListAsync());

    /// <summary>Pays one invoice with a new 3-D Secure card, "save" ticked: the payment and its challenge.</summary>
    private async Task<(long Id, string Challenge, string Token)> PayWithThreeDsAsync()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var token = await _kit.CardTokenAsync(PayKit.ThreeDs);
        var response = await _kit.PayAsync("new-" + token, save: true);
        var challenge = response.Headers.Location!.ToString();
        Assert.StartsWith("/sandbox/3ds/", challenge);
        return (PayKit.PaymentIdFrom(response), challenge, token);
    }

    private async Task AnswerChallengeAsync(long id, string challenge, bool approve)
    {
        var page = await _kit.Client.GetDocumentAsync(challenge);
        await _kit.Client.PostFormAsync(page, challenge.Split('?')[0],
            new() { ["approve"] = approve ? "true" : "false", ["return_url"] = $"/pay/payments/{id}" });
    }

    [Fact]
    public async Task AThreeDSecureCardWithSaveTickedIsSavedOnceTheCustomerAuthenticated()
    {
        var (id, challenge, token) = await PayWithThreeDsAsync();
        Assert.Empty(await SavedAsync()); // not yet: the bank has not said yes

        await AnswerChallengeAsync(id, challenge, approve: true);
        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}"); // the return page applies the verdict
        Assert.Equal("Paid", result.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());

        var saved = Assert.Single(await SavedAsync());
        Assert.Equal((token, "3155", PaymentMethodKind.Card), (saved.ProcessorMethodId, saved.Last4, saved.Kind));
        Assert.True(saved.IsDefault);
        await _kit.RunJobsAsync(); // the processor's events arrive afterwards: still one saved card
        Assert.Single(await SavedAsync());
        Assert.Empty(await _kit.DbAsync(db => db.PendingMethodSaves.ToListAsync()));
        var next = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(next.Select(i => i.Id));
        var checkout = await _kit.Client.GetDocumentAsync("/pay/checkout");
        Assert.True(checkout.QuerySelector($"input[name=Method][value=saved-{saved.Id}]")!.HasAttribute("checked"));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task WhenTheCustomerDoesNotComeBackTheEventSavesTheCard()
    {
        var (id, _, token) = await PayWithThreeDsAsync();
        var processorId = await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id)
            .Select(p => p.ProcessorPaymentId).SingleAsync());
        await _kit.Sandbox.CompleteAuthenticationAsync(processorId!, approve: true); // the tab was closed afterwards

        await _kit.RunJobsAsync(); // payment_intent.succeeded through the webhook path

        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Equal(token, Assert.Single(await SavedAsync()).ProcessorMethodId);
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task AThreeDSecureCardIsNotSavedWhenTheAuthenticationFails()
    {
        var (id, challenge, _) = await PayWithThreeDsAsync();

        await AnswerChallengeAsync(id, challenge, approve: false);
        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        await _kit.RunJobsAsync();

        Assert.Equal("Declined", result.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());
        Assert.Empty(await SavedAsync());
        Assert.Empty(await _kit.DbAsync(db => db.PendingMethodSaves.ToListAsync()));
        await _kit.AssertInvariantsAsync(settled: true);
    }
}
