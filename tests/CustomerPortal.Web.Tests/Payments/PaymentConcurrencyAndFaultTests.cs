using System.Globalization;
using System.Net;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Serilog.Events;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// Parallel clicks, overlapping payments and a faulty processor; the four invariants checked at the end of each.
/// </summary>
public sealed class PaymentConcurrencyAndFaultTests
{
    [Fact]
    public async Task TwentyParallelSubmitsOfOneDraftMakeOnePaymentAndOneCharge()
    {
        await using var kit = await PayKit.StartAsync();
        await kit.SelectAsync((await kit.OpenInvoicesAsync(5)).Select(i => i.Id));
        var token = await kit.CardTokenAsync(PayKit.Visa);
        var page = await kit.Client.GetDocumentAsync("/pay/checkout");
        var fields = new Dictionary<string, string>
        {
            ["Method"] = "new-" + token,
            ["DraftRevision"] = page.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = page.QuerySelector("input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
        };

        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => kit.Client.PostFormAsync(page, "/pay/checkout", fields))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(responses.Select(PayKit.PaymentIdFrom).Distinct());
        Assert.Single(await kit.DbAsync(db => db.Payments.ToListAsync()));
        Assert.Single(await kit.Sandbox.ListChargesAsync());
        await kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task TwentyParallelPaymentsOverOverlappingInvoicesNeverOverpay()
    {
        await using var kit = await PayKit.StartAsync();
        var invoices = await kit.OpenInvoicesAsync(12);
        var access = await kit.AccessAsync();
        // 20 people of the same customer, each with a window of 4 invoices out of 12: every invoice is wanted by
        // several.
        var people = Enumerable.Range(0, 20)
            .Select(n => ($"user-{n}", invoices.Skip(n % 9).Take(4).Select(i => i.Id).ToList())).ToList();
        foreach (var (user, ids) in people) await kit.SelectAsync(ids, userId: user);
        // each enters a card of their own: an entered card is its contact's
        var tokens = new Dictionary<string, string>();
        foreach (var (user, _) in people)
            tokens[user] = await kit.CardEnteredByAsync(access with { ActorUserId = user });
        var expected = people.ToDictionary(
            p => p.Item1, p => invoices.Where(i => p.Item2.Contains(i.Id)).Sum(i => i.BalanceCents));

        var outcomes = await Task.WhenAll(people.Select(p => Task.Run(async () =>
        {
            await using var scope = kit.Factory.Scope();
            var service = scope.ServiceProvider.GetRequiredService<PaymentService>();
            var revision = await kit.DbAsync(
                db => db.PaymentDrafts.Where(d => d.UserId == p.Item1).Select(d => d.Revision).SingleAsync());
            return await service.SubmitAsync(access with { ActorUserId = p.Item1 },
                new PayCommand(revision, expected[p.Item1], null, tokens[p.Item1], false, false),
                new PayClient("127.0.0.1", "test", "http://localhost"));
        })));

        var paid = outcomes.Where(o => o.IsPayment).ToList();
        Assert.NotEmpty(paid);
        Assert.All(outcomes.Where(o => !o.IsPayment), o => Assert.True(o.StatusCode is 409 or 400, o.Message));
        var after = await kit.DbAsync(
            db => db.Invoices.AsNoTracking().Where(i => invoices.Select(x => x.Id).Contains(i.Id)).ToListAsync());
        Assert.All(after, i => Assert.True(i.PaidCents <= i.TotalCents));
        Assert.Equal(paid.Count, (await kit.Sandbox.ListChargesAsync()).Count);
        await kit.AssertInvariantsAsync(settled: true);
    }

    [Theory]
    [InlineData("DropResponseAfterCharge")]
    [InlineData("Timeout")]
    [InlineData("ServerError")]
    public async Task WithOneChargeInFiveFailingEveryPaymentEndsSettledOrFailedAndNoneIsChargedTwice(string fault)
    {
        await using var kit = await PayKit.StartAsync(
            f => f.With("Payments:Sandbox:Faults", fault).With("Payments:Sandbox:FaultRate", "0.2"));
        var invoices = await kit.OpenInvoicesAsync(200);
        Assert.Equal(200, invoices.Count);
        var access = await kit.AccessAsync();
        var tokens = new string[invoices.Count];
        for (var n = 0; n < invoices.Count; n++)
        {
            await kit.SelectAsync([invoices[n].Id], userId: $"fault-{n}");
            // each contact pays with a card of their own: an entered card is its contact's
            tokens[n] = await kit.CardEnteredByAsync(access with { ActorUserId = $"fault-{n}" });
        }

        var outcomes = new List<PayOutcome>();
        foreach (var batch in invoices.Select((invoice, n) => (invoice, n)).Chunk(8))
        {
            outcomes.AddRange(await Task.WhenAll(batch.Select(x => Task.Run(async () =>
            {
                await using var scope = kit.Factory.Scope();
                var user = $"fault-{x.n}";
                var revision = await kit.DbAsync(
                    db => db.PaymentDrafts.Where(d => d.UserId == user).Select(d => d.Revision).SingleAsync());
                return await scope.ServiceProvider.GetRequiredService<PaymentService>().SubmitAsync(
                    access with { ActorUserId = user }, new PayCommand(revision, x.invoice.BalanceCents,
                    null, tokens[x.n], false, false), new PayClient("127.0.0.1", "test", "http://localhost"));
            }))));
        }
        Assert.All(outcomes, o => Assert.True(o.IsPayment, o.Message));
        var unknown = await kit.DbAsync(db => db.Payments.CountAsync(p => p.Status == PaymentStatus.Unknown));
        Assert.InRange(unknown, 20, 60); // about one in five
        await kit.AssertInvariantsAsync(); // mid-way: unknown money is still pending, nothing lost

        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(11));
        await kit.RunJobsAsync();

        var statuses = await kit.DbAsync(
            db => db.Payments.GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        Assert.All(statuses, s => Assert.Contains(s.Key, new[] { PaymentStatus.Succeeded, PaymentStatus.Failed }));
        var failed = statuses.SingleOrDefault(s => s.Key == PaymentStatus.Failed)?.Count ?? 0;
        // a dropped answer was charged: it succeeds; a timeout never charged: it fails
        Assert.Equal(fault == "DropResponseAfterCharge" ? 0 : unknown, failed);
        await kit.AssertInvariantsAsync(settled: true);
    }

    [Fact]
    public async Task APaymentTheProcessorCannotAnswerForWaitsWithBackoffWhileTheReconcilerSettlesTheOthers()
    {
        // Three charges made, their answers lost: three unknown payments, each found again by its idempotency key.
        await using var kit = await PayKit.StartAsync(
            f => f.With("Payments:Sandbox:Faults", "DropResponseAfterCharge"));
        var invoices = await kit.OpenInvoicesAsync(3);
        var access = await kit.AccessAsync();
        var ids = new List<long>();
        for (var n = 0; n < invoices.Count; n++)
        {
            var user = $"unknown-{n}";
            var token = await kit.CardEnteredByAsync(access with { ActorUserId = user });
            await kit.SelectAsync([invoices[n].Id], userId: user);
            var revision = await kit.DbAsync(
                db => db.PaymentDrafts.Where(d => d.UserId == user).Select(d => d.Revision).SingleAsync());
            await using var scope = kit.Factory.Scope();
            var pay = new PayCommand(revision, invoices[n].BalanceCents, null, token, false, false);
            var outcome = await scope.ServiceProvider.GetRequiredService<PaymentService>().SubmitAsync(
                access with { ActorUserId = user }, pay, new PayClient("127.0.0.1", "test", "http://x"));
            ids.Add(outcome.PaymentId!.Value);
        }
        Assert.All(await StatusesAsync(kit, ids), s => Assert.Equal(PaymentStatus.Unknown, s));

        // The processor's API fails for the oldest of them, the first the reconciler asks about.
        var broken = ids[0];
        var processorDown = true;
        var down = new Stripe.StripeException(HttpStatusCode.ServiceUnavailable, null, "Down");
        var gateway = new Mock<IPaymentGateway>();
        gateway.Setup(g => g.FindPaymentAsync(It.IsAny<PaymentLookup>(), It.IsAny<CancellationToken>()))
            .Returns((PaymentLookup lookup, CancellationToken ct) => processorDown && lookup.PortalPaymentId == broken
                ? Task.FromException<ProcessorPayment?>(down)
                : kit.Sandbox.FindPaymentAsync(lookup, ct));
        async Task<int?> ReconcileAsync()
        {
            await using var scope = kit.Factory.Scope();
            var sp = scope.ServiceProvider;
            return await ActivatorUtilities.CreateInstance<PaymentReconciler>(sp, gateway.Object).RunOnceAsync("test");
        }
        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(2, await ReconcileAsync());
        Assert.Equal(
            [PaymentStatus.Unknown, PaymentStatus.Succeeded, PaymentStatus.Succeeded], await StatusesAsync(kit, ids));
        var brokenId = broken.ToString(CultureInfo.InvariantCulture);
        Assert.Contains(kit.Factory.Logs.Raw, e => e.Level == LogEventLevel.Warning
            && e.Exception == down && e.Properties.TryGetValue("PaymentId", out var id) && id.ToString() == brokenId);
        await kit.AssertInvariantsAsync();

        // Not asked again on the very next pass (backoff), but once its wait is over; then it settles.
        Assert.Equal(0, await ReconcileAsync());
        gateway.Verify(g => g.FindPaymentAsync(
            It.Is<PaymentLookup>(l => l.PortalPaymentId == broken), It.IsAny<CancellationToken>()), Times.Once);
        processorDown = false;
        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await ReconcileAsync());
        Assert.Equal(PaymentStatus.Succeeded, (await StatusesAsync(kit, [broken])).Single());
        await kit.AssertInvariantsAsync(settled: true);
    }

    private static async Task<List<PaymentStatus>> StatusesAsync(PayKit kit, IReadOnlyList<long> ids)
    {
        var byId = await kit.DbAsync(
            db => db.Payments.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Status));
        return ids.Select(id => byId[id]).ToList();
    }
}
