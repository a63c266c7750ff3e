using System.Net;
using System.Text;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Payments;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// ACH through the sandbox's delay and events, the webhook path, and the reconciler; invariants after each.
/// </summary>
public sealed class AchWebhookAndReconcileTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task AnAchPaymentIsPendingUntilTheBankSettlesIt()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var token = await _kit.BankTokenAsync(PayKit.AchOk);

        var refused = await _kit.PayAsync("new-" + token);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Accept the bank debit authorization", await refused.Content.ReadAsStringAsync());

        var id = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + token, save: true, achAuthorized: true));
        var page = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal("Pending", page.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());
        var mandate = await _kit.DbAsync(
            db => db.AchMandates.AsNoTracking().SingleAsync(m => m.CustomerId == _kit.CustomerId));
        Assert.Equal(AchAuthorization.Version, mandate.TextVersion);
        Assert.Contains("Rocky Mountain Site Services", mandate.Text);
        Assert.False(string.IsNullOrEmpty(mandate.IpAddress));
        // pending invoices cannot be paid again
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        Assert.Contains("Nothing is selected", (await _kit.Client.GetDocumentAsync("/pay/checkout")).Body!.TextContent);
        await _kit.AssertInvariantsAsync();

        await _kit.RunJobsAsync(); // events so far: processing
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await _kit.RunJobsAsync(); // settles and delivers payment_intent.succeeded
        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.All(
            await _kit.DbAsync(db => db.Invoices.Where(i => invoices.Select(x => x.Id).Contains(i.Id)).ToListAsync()),
            i => Assert.Equal(0, i.BalanceCents));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Theory]
    [InlineData(PayKit.AchR01, "Returned by your bank (R01: insufficient funds)")]
    [InlineData(PayKit.AchR02, "Returned by your bank (R02: account closed)")]
    public async Task AFailedAchDebitRestoresTheBalancesToTheCent(string account, string reason)
    {
        var invoices = await _kit.OpenInvoicesAsync(3);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var id = PayKit.PaymentIdFrom(
            await _kit.PayAsync("new-" + await _kit.BankTokenAsync(account), achAuthorized: true));
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await _kit.RunJobsAsync();

        var page = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Equal(reason, page.QuerySelector("[data-testid=failure]")!.TextContent.Trim());
        var after = await _kit.DbAsync(db => db.Invoices
            .AsNoTracking().Where(i => invoices.Select(x => x.Id).Contains(i.Id)).ToDictionaryAsync(i => i.Id));
        Assert.All(invoices, i => Assert.Equal((i.BalanceCents, i.PaidCents, 0L),
            (after[i.Id].BalanceCents, after[i.Id].PaidCents, after[i.Id].PendingCents)));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task WebhooksRefuseForgedStaleAndMalformedEventsAndIgnoreRepeats()
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var id = PayKit.PaymentIdFrom(
            await _kit.PayAsync("new-" + await _kit.BankTokenAsync(PayKit.AchOk), achAuthorized: true));
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await _kit.Sandbox.SettleDueAsync(_kit.Factory.Clock.GetUtcNow());
        var events = await _kit.Sandbox.GetPendingEventsAsync();
        var succeeded = events.Single(e => e.Type == "payment_intent.succeeded");
        var http = _kit.Factory.CreateClient();

        Task<HttpResponseMessage> Post(string body, string? header)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sandbox")
                { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (header is not null) request.Headers.TryAddWithoutValidation("Sandbox-Signature", header);
            return http.SendAsync(request);
        }
        var secret = _kit.Factory.Services.GetRequiredService<IOptions<SandboxOptions>>().Value.WebhookSecret;
        var now = _kit.Factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(succeeded.Body, null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await Post(succeeded.Body, WebhookSignature.Header("whsec_forged", now, succeeded.Body))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await Post(succeeded.Body, WebhookSignature.Header(secret, now - 301, succeeded.Body))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await Post("{not json", WebhookSignature.Header(secret, now, "{not json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await Post(succeeded.Body.Replace("succeeded", "failed"), succeeded.SignatureHeader)).StatusCode);
        Assert.Equal(PaymentStatus.Processing,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Empty(await _kit.DbAsync(db => db.ProcessedWebhookEvents.ToListAsync()));

        // out of order: succeeded first, then the older processing event; then succeeded again
        Assert.Equal(HttpStatusCode.OK, (await Post(succeeded.Body, succeeded.SignatureHeader)).StatusCode);
        foreach (var e in events) Assert.Equal(HttpStatusCode.OK, (await Post(e.Body, e.SignatureHeader)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(succeeded.Body, succeeded.SignatureHeader)).StatusCode);
        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Equal(events.Count, await _kit.DbAsync(db => db.ProcessedWebhookEvents.CountAsync()));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task TheReconcilerRepairsACrashBetweenTheChargeAndTheCommit()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var token = await _kit.CardTokenAsync(PayKit.Visa);
        // Simulate the crash: the write-ahead commits, the processor charges, the process dies before the verdict is
        // stored.
        var gateway = new CrashAfterChargeGateway(_kit.Sandbox);
        await using (var scope = _kit.Factory.Scope())
        {
            var sp = scope.ServiceProvider;
            var service = ActivatorUtilities.CreateInstance<PaymentService>(
                sp, (CustomerPortal.Domain.Payments.Gateway.IPaymentGateway)gateway);
            var access = await _kit.AccessAsync();
            var revision = await _kit.DbAsync(
                db => db.PaymentDrafts.Where(d => d.UserId == _kit.UserId).Select(d => d.Revision).SingleAsync());
            var total = invoices.Sum(i => i.BalanceCents);
            await Assert.ThrowsAsync<CrashAfterChargeGateway.ProcessDied>(() =>
                service.SubmitAsync(access, new PayCommand(revision, total, null, token, false, false), new PayClient(
                    "127.0.0.1", "test", "http://localhost")));
        }
        var payment = await _kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync());
        Assert.Equal(PaymentStatus.Submitted, payment.Status);
        Assert.Single(await _kit.Sandbox.ListChargesAsync());

        // and its event is lost too, so only the reconciler can repair it
        foreach (var e in await _kit.Sandbox.GetPendingEventsAsync())
            await _kit.Sandbox.MarkEventDeliveredAsync(e.EventId);
        async Task<int?> Reconcile()
        {
            await using var scope = _kit.Factory.Scope();
            return await scope.ServiceProvider.GetRequiredService<PaymentReconciler>().RunOnceAsync("test");
        }
        Assert.Equal(0, await Reconcile()); // too young to reconcile: it might still be in its own charge call
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, await Reconcile());
        Assert.Equal(PaymentStatus.Succeeded,
            await _kit.DbAsync(db => db.Payments.Where(p => p.Id == payment.Id).Select(p => p.Status).SingleAsync()));
        await _kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task TwoReconcilersOnOneDatabaseTakeTurnsAndSettleEachPaymentOnce()
    {
        await using var a = _kit.Factory.Scope();
        await using var b = _kit.Factory.Scope();
        var ra = a.ServiceProvider.GetRequiredService<PaymentReconciler>();
        var rb = b.ServiceProvider.GetRequiredService<PaymentReconciler>();
        var results = await Task.WhenAll(ra.RunOnceAsync("node-a"), rb.RunOnceAsync("node-b"));
        Assert.Single(results, r => r is null); // one of the two held the lease
        _kit.Factory.Clock.Advance(TimeSpan.FromMinutes(2)); // the lease expired: the other may take it over
        await using var c = _kit.Factory.Scope();
        var loser = results[0] is null ? "node-a" : "node-b";
        Assert.NotNull(await c.ServiceProvider.GetRequiredService<PaymentReconciler>().RunOnceAsync(loser));
    }
}

/// <summary>
/// Charges through the real sandbox, then throws as if the process had been killed before the commit.
/// </summary>
internal sealed class CrashAfterChargeGateway(CustomerPortal.Infrastructure.Payments.Sandbox.SandboxProcessor inner)
    : CustomerPortal.Domain.Payments.Gateway.IPaymentGateway
{
    public sealed class ProcessDied : Exception;
    public string Name => inner.Name;
    public string WebhookSignatureHeader => inner.WebhookSignatureHeader;
    public Task<string> EnsureCustomerAsync(CustomerPortal.Domain.Payments.Gateway.GatewayCustomer c,
        CancellationToken ct = default) => inner.EnsureCustomerAsync(c, ct);
    public async Task<CustomerPortal.Domain.Payments.Gateway.ChargeResult> ChargeAsync(
        CustomerPortal.Domain.Payments.Gateway.ChargeRequest r, CancellationToken ct = default)
    {
        await inner.ChargeAsync(r, ct);
        throw new ProcessDied();
    }
    public Task<CustomerPortal.Domain.Payments.Gateway.ProcessorPayment?> GetPaymentAsync(string id,
        string? a = null, CancellationToken ct = default) => inner.GetPaymentAsync(id, a, ct);
    public Task<CustomerPortal.Domain.Payments.Gateway.ProcessorPayment?> FindPaymentAsync(
        CustomerPortal.Domain.Payments.Gateway.PaymentLookup l, CancellationToken ct = default) =>
        inner.FindPaymentAsync(l, ct);
    public Task<CustomerPortal.Domain.Payments.Gateway.SetupResult> CreateSetupAsync(
        CustomerPortal.Domain.Payments.Gateway.SetupRequest r, CancellationToken ct = default) =>
        inner.CreateSetupAsync(r, ct);
    public Task<CustomerPortal.Domain.Payments.Gateway.SetupResult> ConfirmSetupAsync(
        CustomerPortal.Domain.Payments.Gateway.ConfirmSetupRequest r, CancellationToken ct = default) =>
        inner.ConfirmSetupAsync(r, ct);
    public Task<CustomerPortal.Domain.Payments.Gateway.PaymentMethodDetails?> GetPaymentMethodAsync(string t,
        string? a = null, CancellationToken ct = default) => inner.GetPaymentMethodAsync(t, a, ct);
    public Task<IReadOnlyList<CustomerPortal.Domain.Payments.Gateway.PaymentMethodDetails>> ListPaymentMethodsAsync(
        string c, string? a = null, CancellationToken ct = default) => inner.ListPaymentMethodsAsync(c, a, ct);
    public Task<CustomerPortal.Domain.Payments.Gateway.DetachOutcome> DetachPaymentMethodAsync(string c,
        string t, string? a = null, CancellationToken ct = default) => inner.DetachPaymentMethodAsync(c, t, a, ct);
    public CustomerPortal.Domain.Payments.Gateway.WebhookParseResult ParseWebhook(string raw, string? h) =>
        inner.ParseWebhook(raw, h);
}
