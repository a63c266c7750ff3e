using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.ApiKeys;
using CustomerPortal.Web.Api.Payments;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerPortal.Web.Tests.Api;

/// <summary>
/// Back-office charges of a method the customer saved, on a portal of their own (they run one after another and each
/// uses its own invoices and keys).
/// </summary>
public sealed class ChargeApiTests(ApiPortal portal) : IClassFixture<ApiPortal>
{
    private const string Summit = "CUST-1001";
    private PayKit Kit => portal.Kit;

    private HttpClient Rocky => portal.Rocky;

    private static string NewKey() => "bo-" + Guid.NewGuid().ToString("N")[..16];

    private static Task<HttpResponseMessage> ChargeAsync(
        HttpClient client, long methodId, object body, string? key, string customer = Summit) =>
        ChargeRawAsync(client, methodId, JsonSerializer.Serialize(body), key, customer);

    private static Task<HttpResponseMessage> ChargeRawAsync(
        HttpClient client, long methodId, string json, string? key, string customer = Summit)
    {
        var request = new HttpRequestMessage(
            HttpMethod.Post, $"/api/v1/customers/{customer}/payment-methods/{methodId}/charges")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    /// <summary>
    /// Saves a method the way a customer does (processor form, then "save without paying"); returns its id.
    /// </summary>
    private async Task<long> SaveMethodAsync(string number, bool bank = false)
    {
        var token = bank ? await Kit.BankTokenAsync(number) : await Kit.CardTokenAsync(number);
        var fields = new Dictionary<string, string> { ["token"] = token, ["return_url"] = "/pay/checkout" };
        if (bank) fields["achAuthorized"] = "true";
        var saved = await Kit.Client.PostAsync("/pay/methods", fields, tokenPage: "/pay/history");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        return await Kit.DbAsync(db =>
            db.SavedPaymentMethods.Where(m => m.ProcessorMethodId == token).Select(m => m.Id).SingleAsync());
    }

    private async Task<List<(long Id, string ExternalId, long Balance)>> InvoicesAsync(int count)
    {
        var open = await Kit.OpenInvoicesAsync(count);
        var ids = open.Select(i => i.Id).ToList();
        var external = await Kit.DbAsync(db =>
            db.Invoices.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.ExternalId));
        return open.Select(i => (i.Id, external[i.Id], i.BalanceCents)).ToList();
    }

    private Task<List<(long Paid, long Pending, long Balance)>> BalancesAsync(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        return Kit.DbAsync(async db =>
            (await db.Invoices.AsNoTracking().Where(i => list.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync())
                .Select(i => (i.PaidCents, i.PendingCents, i.BalanceCents)).ToList());
    }

    private Task<int> PaymentCountAsync() => Kit.DbAsync(db => db.Payments.CountAsync());

    [Fact]
    public async Task ACardChargeOfNamedInvoicesPaysThemThroughTheSameEngineAndShowsInThePaymentList()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var invoices = await InvoicesAsync(3);
        var key = NewKey();

        var response = await ChargeAsync(Rocky, card, new { invoiceIds = invoices.Select(i => i.ExternalId) }, key);

        var body = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Succeeded", body.GetProperty("status").GetString());
        Assert.Equal("BackOffice", body.GetProperty("source").GetString());
        Assert.Equal(invoices.Sum(i => i.Balance), body.GetProperty("amountCents").GetInt64());
        Assert.Equal(invoices.Select(i => i.ExternalId).Order(),
            body.GetProperty("allocations").EnumerateArray()
                .Select(a => a.GetProperty("invoiceId").GetString()!).Order());
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/payments/{id}", response.Headers.Location!.ToString());
        Assert.All(await BalancesAsync(invoices.Select(i => i.Id)),
            b => Assert.Equal((0L, 0L), (b.Pending, b.Balance)));
        var payment = await Kit.DbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal($"api-{Kit.CompanyId}-{key}", payment.IdempotencyKey);
        Assert.Equal(PaymentSource.BackOffice, payment.Source);
        Assert.StartsWith("api:cpk_", payment.SubmittedBy);
        Assert.Equal(portal.RockyKey[..12], payment.SubmittedBy["api:".Length..]);
        Assert.Equal(card, payment.SavedPaymentMethodId);
        var charge = Assert.Single(await Kit.Sandbox.ListChargesAsync(), c => c.PortalPaymentId == id);
        Assert.Equal(payment.IdempotencyKey, charge.IdempotencyKey);

        var list = await (await Rocky.GetAsync("/api/v1/payments?limit=500")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("items").EnumerateArray(),
            p => p.GetProperty("id").GetInt64() == id && p.GetProperty("status").GetString() == "Succeeded");
        await Kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnAmountIsAppliedOldestFirstAsTheCustomAmountIsInThePortal()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var oldest = await Kit.DbAsync(db => db.Invoices.AsNoTracking()
            .Where(i => i.CustomerId == Kit.CustomerId && !i.IsVoid && i.BalanceCents > 0)
            .OrderOldestFirst().Take(2).ToListAsync());
        var amount = oldest[0].BalanceCents + 1;

        var body = await (await ChargeAsync(Rocky, card, new { amountCents = amount }, NewKey()))
            .JsonAsync(HttpStatusCode.Created);

        var allocations = body.GetProperty("allocations").EnumerateArray()
            .Select(a => (a.GetProperty("invoiceId").GetString(), a.GetProperty("amountCents").GetInt64()))
            .ToList();
        Assert.Equal([(oldest[0].ExternalId, oldest[0].BalanceCents), (oldest[1].ExternalId, 1L)], allocations);
        await Kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task TheSameKeyAgainReturnsTheSamePaymentAndChargesOnce()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var invoices = await InvoicesAsync(1);
        var key = NewKey();
        var body = new { invoiceIds = new[] { invoices[0].ExternalId } };

        var first = await (await ChargeAsync(Rocky, card, body, key)).JsonAsync(HttpStatusCode.Created);
        var again = await ChargeAsync(Rocky, card, body, key);
        var second = await again.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(first.GetRawText(), second.GetRawText());
        var id = first.GetProperty("id").GetInt64();
        Assert.Single(await Kit.Sandbox.ListChargesAsync(), c => c.PortalPaymentId == id);
        Assert.Equal(1,
            await Kit.DbAsync(db => db.Payments.CountAsync(p => p.IdempotencyKey == $"api-{Kit.CompanyId}-{key}")));

        // The same key for another charge is refused, and nothing is charged.
        var other = await InvoicesAsync(1);
        var before = await PaymentCountAsync();
        var reused = await (await ChargeAsync(Rocky, card, new { invoiceIds = new[] { other[0].ExternalId } }, key))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already used for a different charge", reused.GetProperty("detail").GetString());
        Assert.Equal(before, await PaymentCountAsync());
        await Kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task TwentyParallelRequestsWithOneKeyMakeOnePayment()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var invoices = await InvoicesAsync(2);
        var key = NewKey();
        var json = JsonSerializer.Serialize(new { invoiceIds = invoices.Select(i => i.ExternalId) });

        var responses = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => ChargeRawAsync(Rocky, card, json, key))));

        // Each answer is the payment (201 to the request that made it, 200 to a repeat after it was answered) or, to a
        // repeat while the first request is still at the processor, 409 naming the payment.
        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s =>
            Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Single(statuses, s => s == HttpStatusCode.Created);
        var ids = new HashSet<long>();
        foreach (var r in responses)
        {
            var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            ids.Add(body.GetProperty(r.StatusCode == HttpStatusCode.Conflict ? "paymentId" : "id").GetInt64());
        }
        var id = Assert.Single(ids);
        Assert.Single(await Kit.Sandbox.ListChargesAsync(), c => c.PortalPaymentId == id);
        Assert.Equal(1,
            await Kit.DbAsync(db => db.Payments.CountAsync(p => p.IdempotencyKey == $"api-{Kit.CompanyId}-{key}")));
        await Kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task AMissingIdempotencyKeyIs400AndChargesNothing()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var invoices = await InvoicesAsync(1);
        var before = await PaymentCountAsync();

        var problem = await (await ChargeAsync(
                Rocky, card, new { invoiceIds = new[] { invoices[0].ExternalId } }, key: null))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Idempotency-Key", problem.ErrorsOf("Idempotency-Key")[0]);
        var mismatch = await ChargeAsync(Rocky, card,
            new { invoiceIds = new[] { invoices[0].ExternalId }, idempotencyKey = "other" }, NewKey());
        Assert.Single((await mismatch.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsOf("idempotencyKey"));
        Assert.Equal(before, await PaymentCountAsync());
    }

    [Fact]
    public async Task ADeclineIs402WithTheProcessorsReasonAndLeavesTheBalancesAsTheyWere()
    {
        // The sandbox refuses to save a card that declines, so the saved row is written as if it had been saved before
        // the card ran out of funds (the processor still knows the token).
        var token = await Kit.CardTokenAsync(PayKit.NoFunds);
        var card = await Kit.DbAsync(async db =>
        {
            var m = SavedPaymentMethod.Card(
                Kit.CustomerId, token, "Visa", "9995", 12, 2030, Kit.Factory.Clock.GetUtcNow());
            db.SavedPaymentMethods.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
        var invoices = await InvoicesAsync(2);
        var before = await BalancesAsync(invoices.Select(i => i.Id));

        var response = await ChargeAsync(
            Rocky, card, new { invoiceIds = invoices.Select(i => i.ExternalId) }, NewKey());

        var problem = await response.ProblemAsync(HttpStatusCode.PaymentRequired);
        Assert.Contains("insufficient funds", problem.GetProperty("detail").GetString(),
            StringComparison.OrdinalIgnoreCase);
        var id = problem.GetProperty("paymentId").GetInt64();
        Assert.Equal(PaymentStatus.Failed,
            await Kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Equal(before, await BalancesAsync(invoices.Select(i => i.Id)));
        await Kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task ASavedBankAccountIsChargedOffSessionAndIsPending()
    {
        var bank = await SaveMethodAsync(PayKit.AchOk, bank: true);
        var invoices = await InvoicesAsync(1);

        var body = await (await ChargeAsync(
                Rocky, bank, new { invoiceIds = new[] { invoices[0].ExternalId } }, NewKey()))
            .JsonAsync(HttpStatusCode.Created);

        Assert.Equal("Processing", body.GetProperty("status").GetString());
        Assert.Equal("BankAccount", body.GetProperty("methodKind").GetString());
        var b = Assert.Single(await BalancesAsync([invoices[0].Id]));
        Assert.Equal((0L, invoices[0].Balance, 0L), b);
        await Kit.AssertInvariantsAsync();
    }

    [Fact]
    public async Task AnotherCompanysOrCustomersRecordsAreNotFound()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var invoices = await InvoicesAsync(1);
        var body = new { invoiceIds = new[] { invoices[0].ExternalId } };
        var before = await PaymentCountAsync();

        // Another company's customer, from Rocky's key.
        await (await ChargeAsync(Rocky, card, body, NewKey(), customer: "CUST-2001"))
            .ProblemAsync(HttpStatusCode.NotFound);
        // Summit's method under another customer of the same company.
        await (await ChargeAsync(Rocky, card, body, NewKey(), customer: "CUST-1002"))
            .ProblemAsync(HttpStatusCode.NotFound);
        // An unknown method.
        await (await ChargeAsync(Rocky, 987654, body, NewKey())).ProblemAsync(HttpStatusCode.NotFound);
        // Another company's key (Prairie, switched to Pro for this) cannot reach Summit at all.
        await SwitchPrairieAsync(Plan.Pro);
        try
        {
            await (await ChargeAsync(portal.Prairie, card, body, NewKey()))
                .ProblemAsync(HttpStatusCode.NotFound);
        }
        finally
        {
            await SwitchPrairieAsync(Plan.Standard);
        }
        // Another customer's invoice (Alpine's) with Summit's method.
        var alpineInvoice = await Kit.DbAsync(db => db.Invoices
            .Where(i => db.Customers.Where(c => c.AccountNumber == "1002").Select(c => c.Id).Contains(i.CustomerId)
                && !i.IsVoid && i.BalanceCents > 0)
            .Select(i => i.ExternalId)
            .FirstAsync());
        var problem = await (await ChargeAsync(Rocky, card, new { invoiceIds = new[] { alpineInvoice } }, NewKey()))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(alpineInvoice, problem.GetProperty("detail").GetString());
        Assert.Equal(before, await PaymentCountAsync());
    }

    [Fact]
    public async Task AStandardPlanCompanyIsRefusedWith403()
    {
        var problem = await (await ChargeAsync(
                portal.Prairie, 1, new { amountCents = 100 }, NewKey(), customer: "CUST-2001"))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("Online payment is not enabled for Prairie Portables.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ARemovedOrExpiredCardIs422()
    {
        var removed = await SaveMethodAsync(PayKit.Visa);
        var confirm = await Kit.Client.GetDocumentAsync($"/pay/methods/{removed}/remove");
        Assert.Equal(HttpStatusCode.Redirect,
            (await Kit.Client.PostFormAsync(confirm, $"/pay/methods/{removed}/remove", new())).StatusCode);
        var expired = await Kit.DbAsync(async db =>
        {
            var m = SavedPaymentMethod.Card(
                Kit.CustomerId, "spm_expired_api", "Visa", "0005", 10, 2026, Kit.Factory.Clock.GetUtcNow());
            db.SavedPaymentMethods.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
        var invoices = await InvoicesAsync(1);
        var body = new { invoiceIds = new[] { invoices[0].ExternalId } };
        var before = await PaymentCountAsync();

        var gone = await (await ChargeAsync(Rocky, removed, body, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("removed", gone.GetProperty("detail").GetString());
        var old = await (await ChargeAsync(Rocky, expired, body, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("expired at the end of 10/2026", old.GetProperty("detail").GetString());
        Assert.Equal(before, await PaymentCountAsync());
    }

    [Fact]
    public async Task InvoicesThatCannotBePaidAreRefusedWithAMessageAndNothingIsCharged()
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        // A paid invoice (paid through the API itself) and a void one (voided through the API).
        var paid = await InvoicesAsync(1);
        await (await ChargeAsync(Rocky, card, new { invoiceIds = new[] { paid[0].ExternalId } }, NewKey()))
            .JsonAsync(HttpStatusCode.Created);
        var voidId = await Rocky.NewInvoiceAsync(Summit);
        await (await Rocky.PostAsync($"/api/v1/invoices/{voidId}/void", null)).JsonAsync(HttpStatusCode.OK);
        var open = await InvoicesAsync(1);
        var before = await PaymentCountAsync();

        var paidProblem = await (await ChargeAsync(
                Rocky, card, new { invoiceIds = new[] { open[0].ExternalId, paid[0].ExternalId } }, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already paid", paidProblem.ErrorsOf("invoiceIds[1]")[0]);
        var voidProblem = await (await ChargeAsync(Rocky, card, new { invoiceIds = new[] { voidId } }, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is void", voidProblem.ErrorsOf("invoiceIds[0]")[0]);
        var unknown = await (await ChargeAsync(Rocky, card, new { invoiceIds = new[] { "NO-SUCH-INVOICE" } }, NewKey()))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("NO-SUCH-INVOICE", unknown.GetProperty("detail").GetString());
        var tooMany = await (await ChargeAsync(
                Rocky, card, new { invoiceIds = Enumerable.Range(1, 201).Select(n => $"X-{n}") }, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("at most 200 invoices", tooMany.ErrorsOf("invoiceIds")[0]);
        var wrongTotal = await (await ChargeAsync(Rocky, card,
                new { invoiceIds = new[] { open[0].ExternalId }, amountCents = open[0].Balance + 1 }, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Single(wrongTotal.ErrorsOf("amountCents"));
        Assert.Equal(before, await PaymentCountAsync());
        await Kit.AssertInvariantsAsync();
    }

    [Theory]
    [InlineData("0", "more than zero")]
    [InlineData("-500", "more than zero")]
    [InlineData("125.5", "whole number of cents")]
    [InlineData("OVER", "The most you can pay is")]
    [InlineData("TOO-MANY", "at most 200 invoices")]
    public async Task ABadAmountIs422AndChargesNothing(string amount, string message)
    {
        var card = await SaveMethodAsync(PayKit.Visa);
        var balance = await Kit.DbAsync(db =>
            db.Invoices.Where(i => i.CustomerId == Kit.CustomerId && !i.IsVoid).SumAsync(i => i.BalanceCents));
        var tooMany = await Kit.DbAsync(db => db.Invoices
            .Where(i => i.CustomerId == Kit.CustomerId && !i.IsVoid && i.BalanceCents > 0)
            .OrderOldestFirst().Take(201).SumAsync(i => i.BalanceCents));
        var json = amount switch
        {
            "OVER" => $$"""{ "amountCents": {{balance + 1}} }""",
            "TOO-MANY" => $$"""{ "amountCents": {{tooMany}} }""",
            _ => $$"""{ "amountCents": {{amount}} }""",
        };
        var before = await PaymentCountAsync();

        var problem = await (await ChargeRawAsync(Rocky, card, json, NewKey()))
            .ProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains(message, problem.ErrorsOf("amountCents")[0]);
        Assert.Equal(before, await PaymentCountAsync());
    }

    private Task<int> SwitchPrairieAsync(Plan plan) => Kit.DbAsync(async db =>
    {
        var company = await db.Companies.SingleAsync(c => c.Id == portal.PrairieId);
        company.ChangePlan(plan);
        return await db.SaveChangesAsync();
    });
}

/// <summary>
/// The processor does not answer: the back office is told the payment is being checked (202), never charged twice.
/// </summary>
public sealed class ChargeApiUnknownOutcomeTests
{
    [Fact]
    public async Task AnUnansweredChargeIs202AndTheReconcilerSettlesIt()
    {
        await using var kit = await PayKit.StartAsync(f => f
            .With("Payments:Sandbox:Faults", "DropResponseAfterCharge")
            .With("Payments:Sandbox:FaultRate", "1"));
        var key = await KeyAsync(kit);
        var token = await kit.CardTokenAsync(PayKit.Visa);
        Assert.Equal(HttpStatusCode.Redirect, (await kit.Client.PostAsync("/pay/methods",
            new() { ["token"] = token, ["return_url"] = "/pay/checkout" }, tokenPage: "/pay/history")).StatusCode);
        var method = await kit.DbAsync(db =>
            db.SavedPaymentMethods.Where(m => m.ProcessorMethodId == token).Select(m => m.Id).SingleAsync());
        var invoice = (await kit.OpenInvoicesAsync(1))[0];
        var external = await kit.DbAsync(db =>
            db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.ExternalId).SingleAsync());
        var client = kit.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        var request = new HttpRequestMessage(
            HttpMethod.Post, $"/api/v1/customers/CUST-1001/payment-methods/{method}/charges")
        {
            Content = JsonContent.Create(new { invoiceIds = new[] { external } }),
        };
        request.Headers.Add("Idempotency-Key", "unknown-1");

        var body = await (await client.SendAsync(request)).JsonAsync(HttpStatusCode.Accepted);

        Assert.Equal("Unknown", body.GetProperty("status").GetString());
        await kit.AssertInvariantsAsync();
        kit.Factory.Clock.Advance(TimeSpan.FromMinutes(11));
        await kit.RunJobsAsync();
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal(PaymentStatus.Succeeded,
            await kit.DbAsync(db => db.Payments.Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
        Assert.Single(await kit.Sandbox.ListChargesAsync(), c => c.PortalPaymentId == id);
        await kit.AssertInvariantsAsync(settled: true);
    }

    private static async Task<string> KeyAsync(PayKit kit)
    {
        await using var scope = kit.Factory.Scope();
        return (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(kit.CompanyId)).Key;
    }
}

/// <summary>
/// A repeat of a charge whose first request is still at the processor (written ahead, no answer yet): 409, as Stripe
/// answers a key still in use, naming the payment; once the first request has its answer, a repeat gets it (200).
/// </summary>
public sealed class ChargeApiInFlightTests
{
    [Fact]
    public async Task ARepeatWhileTheFirstRequestIsInFlightIs409AndChargesNothing()
    {
        await using var kit = await PayKit.StartAsync();
        await using var scope = kit.Factory.Scope();
        var apiKey = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(kit.CompanyId)).Key;
        var token = await kit.CardTokenAsync(PayKit.Visa);
        var fields = new Dictionary<string, string> { ["token"] = token, ["return_url"] = "/pay/checkout" };
        var saved = await kit.Client.PostAsync("/pay/methods", fields, tokenPage: "/pay/history");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var method = await kit.DbAsync(db => db.SavedPaymentMethods.SingleAsync(m => m.ProcessorMethodId == token));
        var invoice = (await kit.OpenInvoicesAsync(1))[0];
        const string key = "in-flight-1";
        // What the first request has done while it waits for the processor: the payment written ahead, money pending.
        var paymentId = await kit.DbAsync(async db =>
        {
            var tracked = await db.Invoices.SingleAsync(i => i.Id == invoice.Id);
            var paymentKey = BackOfficeChargeService.PaymentKey(kit.CompanyId, key);
            var payment = new Payment(kit.CompanyId, kit.CustomerId, paymentKey,
                method.Kind, method.Summary, method.Id, method.ProcessorMethodId, PaymentSource.BackOffice, "api:first",
                kit.Factory.Clock.GetUtcNow(), [new PaymentAllocation(tracked.Id, tracked.BalanceCents)]);
            tracked.ReservePending(tracked.BalanceCents);
            db.Payments.Add(payment);
            await db.SaveChangesAsync();
            return payment.Id;
        });
        var client = kit.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var external = await kit.DbAsync(db =>
            db.Invoices.Where(i => i.Id == invoice.Id).Select(i => i.ExternalId).SingleAsync());
        HttpRequestMessage Repeat()
        {
            var url = $"/api/v1/customers/CUST-1001/payment-methods/{method.Id}/charges";
            var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = JsonContent.Create(new { invoiceIds = new[] { external } }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var problem = await (await client.SendAsync(Repeat())).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(paymentId, problem.GetProperty("paymentId").GetInt64());
        Assert.Contains("still", problem.GetProperty("detail").GetString());
        Assert.Empty(await kit.Sandbox.ListChargesAsync());
        Assert.Equal(1, await kit.DbAsync(db => db.Payments.CountAsync()));

        // The first request gets its answer; from then on a repeat is answered with the payment.
        await kit.DbAsync(async db =>
        {
            var payment = await db.Payments.SingleAsync(p => p.Id == paymentId);
            var tracked = await db.Invoices.SingleAsync(i => i.Id == invoice.Id);
            payment.TryMoveTo(PaymentStatus.Succeeded, kit.Factory.Clock.GetUtcNow());
            tracked.SettlePending(tracked.PendingCents);
            return await db.SaveChangesAsync();
        });
        var answered = await (await client.SendAsync(Repeat())).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(paymentId, answered.GetProperty("id").GetInt64());
        Assert.Equal("Succeeded", answered.GetProperty("status").GetString());
    }
}
