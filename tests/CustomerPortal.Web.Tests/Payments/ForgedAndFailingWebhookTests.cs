using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Serilog.Events;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// Webhooks that must not be believed (issue 14, finding 2: a signed event applied to a payment it does not belong to;
/// the sandbox's secret in the source) and webhooks that arrive while the processor cannot be asked (finding 4).
/// </summary>
public sealed class ForgedAndFailingWebhookTests
{
    private const string SecretInTheSource = "whsec_sandbox_local_development_only";

    [Fact]
    public async Task ASignedEventNamingAnUnchargedPaymentWithAnotherPaymentsProcessorIdIsRefusedAndChangesNothing()
    {
        await using var kit = await PayKit.StartAsync();
        var invoices = await kit.OpenInvoicesAsync(2);
        await kit.SelectAsync([invoices[0].Id]);
        var paid = PayKit.PaymentIdFrom(await kit.PayAsync("new-" + await kit.CardTokenAsync(PayKit.Visa)));
        var charged = await kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == paid));
        Assert.Equal(PaymentStatus.Succeeded, charged.Status);
        var victim = await WrittenAheadButNeverChargedAsync(kit, invoices[1].Id);
        var before = await kit.DbAsync(db => db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoices[1].Id));
        Assert.Equal(victim.AmountCents, before.PendingCents);
        var http = kit.Factory.CreateClient();

        // Signed with the installation's own secret, so only the match rule stands between the event and the money:
        // first with the victim's amount and key (the processor's object says otherwise), then with the charged one's.
        var forged = new[]
        {
            Forged(kit,
                "sevt_forged_1", charged.ProcessorPaymentId!, victim.Id, victim.AmountCents, victim.IdempotencyKey),
            Forged(kit,
                "sevt_forged_2", charged.ProcessorPaymentId!, victim.Id, charged.AmountCents, charged.IdempotencyKey),
        };
        foreach (var body in forged)
        {
            var response = await PostAsync(http, body, Sign(kit, SecretOf(kit), body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var after = await kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == victim.Id));
        Assert.Equal((PaymentStatus.Submitted, (string?)null, victim.Version),
            (after.Status, after.ProcessorPaymentId, after.Version));
        var invoice = await kit.DbAsync(db => db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoices[1].Id));
        Assert.Equal((before.PaidCents, before.PendingCents), (invoice.PaidCents, invoice.PendingCents));
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(kit, paid));
        Assert.False(
            await kit.DbAsync(db => db.ProcessedWebhookEvents.AnyAsync(e => e.EventId.StartsWith("sevt_forged"))));
        var victimId = victim.Id.ToString(CultureInfo.InvariantCulture);
        var warnings = kit.Factory.Logs.Raw.Where(e =>
            e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.StartsWith("Security:", StringComparison.Ordinal)
            && e.Properties.TryGetValue("PaymentId", out var named) && named.ToString() == victimId).ToList();
        Assert.Equal(2, warnings.Count);
        await kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task TheReconcilerAppliesNothingFromAProcessorPaymentThatIsNotThePaymentsOwn()
    {
        await using var kit = await PayKit.StartAsync();
        var invoices = await kit.OpenInvoicesAsync(2);
        await kit.SelectAsync([invoices[0].Id]);
        var paid = PayKit.PaymentIdFrom(await kit.PayAsync("new-" + await kit.CardTokenAsync(PayKit.Visa)));
        var charged = await kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == paid));
        var victim = await WrittenAheadButNeverChargedAsync(kit, invoices[1].Id);
        // A processor that answers the lookup by the victim's key with another payment's record.
        var processor = new Mock<IPaymentGateway>();
        var other = await kit.Sandbox.GetPaymentAsync(charged.ProcessorPaymentId!);
        processor.Setup(g => g.FindPaymentAsync(It.IsAny<PaymentLookup>(), It.IsAny<CancellationToken>())).ReturnsAsync(
            other);
        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));

        await using (var scope = kit.Factory.Scope())
        {
            var sp = scope.ServiceProvider;
            var reconciler = ActivatorUtilities.CreateInstance<PaymentReconciler>(sp, processor.Object);
            Assert.Equal(0, await reconciler.RunOnceAsync("test"));
        }

        var after = await kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == victim.Id));
        Assert.Equal((PaymentStatus.Submitted, (string?)null), (after.Status, after.ProcessorPaymentId));
        var victimId = victim.Id.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(kit.Factory.Logs.Raw, e =>
            e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.StartsWith("Security:", StringComparison.Ordinal)
            && e.Properties.TryGetValue("PaymentId", out var named) && named.ToString() == victimId);
        await kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task TheSandboxSignsWithASecretOfThisInstallationNotOneFromTheSource()
    {
        await using var kit = await PayKit.StartAsync();
        var secret = SecretOf(kit);
        Assert.StartsWith("whsec_", secret);
        Assert.NotEqual(SecretInTheSource, secret);
        // generated into the data folder, beside the sandbox's database
        var file = Path.Combine(kit.Factory.DataFolder, SandboxWebhookSecret.FileName);
        Assert.Equal(secret, (await File.ReadAllTextAsync(file)).Trim());

        var invoices = await kit.OpenInvoicesAsync(1);
        await kit.SelectAsync([invoices[0].Id]);
        var (id, succeeded) = await AchSettledButNotDeliveredAsync(kit);
        var http = kit.Factory.CreateClient();

        var withTheOldSecret = await PostAsync(http, succeeded.Body, Sign(kit, SecretInTheSource, succeeded.Body));
        Assert.Equal(HttpStatusCode.BadRequest, withTheOldSecret.StatusCode);
        Assert.Equal(PaymentStatus.Processing, await StatusAsync(kit, id));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, succeeded.Body, succeeded.SignatureHeader)).StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(kit, id));
    }

    [Fact]
    public async Task WhenTheProcessorCannotBeAskedAGenuineEventGets503ProblemJsonAndItsRetryAppliesIt()
    {
        var processorDown = false;
        var failing = new Mock<IPaymentGateway>();
        await using var kit = await PayKit.StartAsync(f => f.WithServices(s => s.AddTransient<IPaymentGateway>(
            sp => processorDown ? failing.Object : sp.GetRequiredService<SandboxProcessor>())));
        var sandbox = kit.Sandbox;
        failing.SetupGet(g => g.Name).Returns(sandbox.Name);
        failing.SetupGet(g => g.WebhookSignatureHeader).Returns(sandbox.WebhookSignatureHeader);
        failing.Setup(g => g.ParseWebhook(It.IsAny<string>(), It.IsAny<string?>())).Returns(
            (string body, string? header) => sandbox.ParseWebhook(body, header));
        failing.Setup(g => g.GetPaymentAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new Stripe.StripeException(HttpStatusCode.ServiceUnavailable, null, "Down"));
        var (id, succeeded) = await AchSettledButNotDeliveredAsync(kit);
        var http = kit.Factory.CreateClient();

        processorDown = true;
        var response = await PostAsync(http, succeeded.Body, succeeded.SignatureHeader);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(PaymentStatus.Processing, await StatusAsync(kit, id));
        Assert.False(await kit.DbAsync(db => db.ProcessedWebhookEvents.AnyAsync(e => e.EventId == succeeded.EventId)));
        await kit.AssertInvariantsAsync();

        processorDown = false;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, succeeded.Body, succeeded.SignatureHeader)).StatusCode);
        Assert.Equal(PaymentStatus.Succeeded, await StatusAsync(kit, id));
        await kit.AssertInvariantsAsync();
    }

    /// <summary>An ACH payment the sandbox has settled, and its succeeded event, not delivered yet.</summary>
    private static async Task<(long PaymentId, SandboxWebhookDelivery Succeeded)> AchSettledButNotDeliveredAsync(
        PayKit kit)
    {
        var invoices = await kit.OpenInvoicesAsync(1);
        await kit.SelectAsync([invoices[0].Id]);
        var token = await kit.BankTokenAsync(PayKit.AchOk);
        var id = PayKit.PaymentIdFrom(await kit.PayAsync("new-" + token, achAuthorized: true));
        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await kit.Sandbox.SettleDueAsync(kit.Factory.Clock.GetUtcNow());
        return (id, (await kit.Sandbox.GetPendingEventsAsync()).Single(e => e.Type == "payment_intent.succeeded"));
    }

    /// <summary>A payment written ahead whose process died before the processor was called: nothing charged.</summary>
    private static async Task<Payment> WrittenAheadButNeverChargedAsync(PayKit kit, long invoiceId)
    {
        await kit.SelectAsync([invoiceId]);
        var token = await kit.CardTokenAsync(PayKit.Visa);
        var dies = new Mock<IPaymentGateway>();
        dies.Setup(g => g.GetPaymentMethodAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .Returns((string t, string? a, CancellationToken ct) => kit.Sandbox.GetPaymentMethodAsync(t, a, ct));
        dies.Setup(g => g.ChargeAsync(It.IsAny<ChargeRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(
            new InvalidOperationException("died"));
        await using var scope = kit.Factory.Scope();
        var service = ActivatorUtilities.CreateInstance<PaymentService>(scope.ServiceProvider, dies.Object);
        var access = await kit.DbAsync(db => (from c in db.Customers join co in db.Companies on c.CompanyId equals co.Id
            where c.Id == kit.CustomerId
            select new CustomerAccess(c.Id, co.Id, c.Name, c.AccountNumber, co.Name, co.Plan, co.TimeZoneId, kit.UserId,
                false))
            .SingleAsync());
        var revision = await kit.DbAsync(
            db => db.PaymentDrafts.Where(d => d.UserId == kit.UserId).Select(d => d.Revision).SingleAsync());
        var balance = await kit.DbAsync(
            db => db.Invoices.Where(i => i.Id == invoiceId).Select(i => i.BalanceCents).SingleAsync());
        var pay = new PayCommand(revision, balance, null, token, false, false);
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => service.SubmitAsync(access, pay, new PayClient("127.0.0.1", "test", "http://localhost")));
        var payment = await kit.DbAsync(db => db.Payments.AsNoTracking().OrderBy(p => p.Id).LastAsync());
        Assert.Equal((PaymentStatus.Submitted, (string?)null), (payment.Status, payment.ProcessorPaymentId));
        return payment;
    }

    /// <summary>An event shaped as the sandbox writes them: a processor payment succeeded for a portal one.</summary>
    private static string Forged(PayKit kit, string eventId,
        string processorPaymentId, long portalPaymentId, long amountCents, string key) => JsonSerializer.Serialize(new {
            id = eventId,
            @object = "event",
            type = "payment_intent.succeeded",
            created = kit.Factory.Clock.GetUtcNow().ToUnixTimeSeconds(),
            data = new
            {
                @object = new
                {
                    id = processorPaymentId,
                    @object = "payment_intent",
                    status = "succeeded",
                    amount = amountCents,
                    currency = "usd",
                    metadata = new Dictionary<string, string>
                    {
                        ["portal_payment_id"] = portalPaymentId.ToString(CultureInfo.InvariantCulture),
                        ["idempotency_key"] = key,
                    },
                },
            },
        });

    private static string SecretOf(PayKit kit) =>
        kit.Factory.Services.GetRequiredService<IOptions<SandboxOptions>>().Value.WebhookSecret;

    private static string Sign(PayKit kit, string secret, string body) =>
        WebhookSignature.Header(secret, kit.Factory.Clock.GetUtcNow().ToUnixTimeSeconds(), body);

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(SandboxProcessor.SignatureHeaderName, header);
        return http.SendAsync(request);
    }

    private static Task<PaymentStatus> StatusAsync(PayKit kit, long id) =>
        kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync());
}
