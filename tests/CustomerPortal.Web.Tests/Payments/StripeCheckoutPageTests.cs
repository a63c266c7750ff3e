using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// With Stripe as the processor the checkout mounts Stripe's Payment Element (js.stripe.com/v3 + stripe-checkout.js)
/// instead of linking the sandbox's forms. Stripe is not reachable here: the gateway is a fake; only the page is
/// checked.
/// </summary>
public sealed class StripeCheckoutPageTests
{
    private sealed class FakeStripeGateway : IPaymentGateway
    {
        public string Name => "stripe";
        public string WebhookSignatureHeader => "Stripe-Signature";
        public Task<string> EnsureCustomerAsync(GatewayCustomer customer,
            CancellationToken cancellationToken = default) => Task.FromResult("cus_fake");
        public Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
        public Task<ProcessorPayment?> GetPaymentAsync(string processorPaymentId, string? connectedAccountId = null,
            CancellationToken cancellationToken = default) => Task.FromResult<ProcessorPayment?>(null);
        public Task<ProcessorPayment?> FindPaymentAsync(PaymentLookup lookup,
            CancellationToken cancellationToken = default) => Task.FromResult<ProcessorPayment?>(null);
        public Task<SetupResult> CreateSetupAsync(SetupRequest request,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<SetupResult> ConfirmSetupAsync(ConfirmSetupRequest request,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<PaymentMethodDetails?> GetPaymentMethodAsync(string token, string? connectedAccountId = null,
            CancellationToken cancellationToken = default) => Task.FromResult<PaymentMethodDetails?>(null);
        public Task<IReadOnlyList<PaymentMethodDetails>> ListPaymentMethodsAsync(string processorCustomerId,
            string? connectedAccountId = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<PaymentMethodDetails>>([]);
        public Task<DetachOutcome> DetachPaymentMethodAsync(string processorCustomerId,
            string token, string? connectedAccountId = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(DetachOutcome.NotFound);
        public WebhookParseResult ParseWebhook(string rawBody, string? signatureHeader) =>
            throw new NotSupportedException();
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> CheckoutAsync(PortalFactory factory)
    {
        var client = await PortalClient.SignedInAsync(factory, DemoAccounts.ProCustomer);
        var ids = await factory.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == DemoAccounts.ProCustomer);
            var invoice = await db.Invoices.Where(i => i.CustomerId == user.CustomerId
                && i.MultiSiteInvoiceId == null && i.BalanceCents > 0).Select(i => i.Id).FirstAsync();
            var draft = new PaymentDraft(user.Id, user.CustomerId!.Value, factory.Clock.GetUtcNow());
            draft.Choose(PaymentChoice.SingleSite, factory.Clock.GetUtcNow());
            draft.ReplaceInvoices([invoice], factory.Clock.GetUtcNow());
            await new DraftStore(db).SaveAsync(draft, new HashSet<long>(), CancellationToken.None);
            return invoice;
        });
        Assert.True(ids > 0);
        return await client.GetDocumentAsync("/pay/checkout");
    }

    [Fact]
    public async Task WithStripeTheCheckoutMountsThePaymentElementAndLinksNoSandboxForm()
    {
        // The portal configured for Stripe, with the Stripe gateway replaced by the fake.
        using var factory = new PortalFactory()
            .With("Payments:Provider", "Stripe")
            .With("Payments:Stripe:SecretKey", "sk_test_fake")
            .With("Payments:Stripe:PublishableKey", "pk_test_fake123")
            .With("Payments:Stripe:WebhookSecret", "whsec_fake")
            .WithServices(services => services.AddSingleton<IPaymentGateway, FakeStripeGateway>());
        var page = await CheckoutAsync(factory);

        var scripts = page.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!).ToList();
        Assert.Contains("https://js.stripe.com/v3/", scripts);
        Assert.Contains(scripts, s => s.StartsWith("/js/stripe-checkout.js", StringComparison.Ordinal));
        Assert.True(scripts.IndexOf("https://js.stripe.com/v3/") < scripts.FindIndex(
            s => s.StartsWith("/js/stripe-checkout.js", StringComparison.Ordinal)));
        var mount = page.QuerySelector("#payment-element")!;
        Assert.Equal("pk_test_fake123", mount.GetAttribute("data-publishable-key"));
        Assert.True(long.Parse(mount.GetAttribute("data-amount")!) > 0);
        Assert.NotNull(page.QuerySelector("label[for=method-stripe-new]"));
        Assert.Empty(page.QuerySelectorAll("a[href^='/sandbox/']"));
        Assert.NotNull(page.QuerySelector("#ach-authorization"));
    }

    [Fact]
    public async Task WithTheSandboxTheCheckoutLoadsNothingFromStripe()
    {
        using var factory = new PortalFactory();
        var page = await CheckoutAsync(factory);
        Assert.DoesNotContain(page.QuerySelectorAll("script[src]"), s =>
            s.GetAttribute("src")!.Contains("stripe", StringComparison.Ordinal));
        Assert.Null(page.QuerySelector("#payment-element"));
        Assert.NotNull(page.QuerySelector("a[href^='/sandbox/elements/card']"));
    }
}
