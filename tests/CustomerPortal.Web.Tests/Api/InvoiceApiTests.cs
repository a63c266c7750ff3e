using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class InvoiceApiTests(ApiPortal portal)
{
    [Fact]
    public async Task AnInvoiceWithLinesAndTaxIsCreatedAndReadBack()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var site = await portal.Rocky.NewSiteAsync(customer);
        var id = Api.NewId("I");

        var created = await portal.Rocky.PutJsonAsync(
            $"/api/v1/invoices/{id}", Api.Invoice(customer, siteId: site, number: "INV-77"));

        var body = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(30870, body.GetProperty("totalCents").GetInt64());
        Assert.Equal(30000, body.GetProperty("subtotalCents").GetInt64());
        Assert.Equal(30870, body.GetProperty("balanceCents").GetInt64());
        Assert.Equal(site, body.GetProperty("siteId").GetString());
        Assert.Equal("Open", body.GetProperty("status").GetString());
        var lines = body.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(25500, lines[0].GetProperty("amountCents").GetInt64());
        var read = await (await portal.Rocky.GetAsync($"/api/v1/invoices/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("INV-77", read.GetProperty("number").GetString());
    }

    [Fact]
    public async Task TheSameInvoiceTwiceIsOneRowAndARevisionChangesTheTotal()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var id = Api.NewId("I");
        await (await portal.Rocky.PutJsonAsync($"/api/v1/invoices/{id}", Api.Invoice(customer)))
            .JsonAsync(HttpStatusCode.Created);

        await (await portal.Rocky.PutJsonAsync($"/api/v1/invoices/{id}", Api.Invoice(customer)))
            .JsonAsync(HttpStatusCode.OK);
        var revised = await (await portal.Rocky.PutJsonAsync(
                $"/api/v1/invoices/{id}", Api.Invoice(customer, taxCents: 0)))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal(30000, revised.GetProperty("totalCents").GetInt64());
        Assert.Equal(1, await portal.DbAsync(db => db.Invoices.CountAsync(i => i.ExternalId == id)));
        Assert.Equal(2, await portal.DbAsync(db =>
            db.InvoiceLines.CountAsync(l => db.Invoices.Any(i => i.Id == l.InvoiceId && i.ExternalId == id))));
    }

    [Fact]
    public async Task ATotalThatDoesNotAddUpIsRefusedAndNothingIsSaved()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var id = Api.NewId("I");

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/invoices/{id}", Api.Invoice(customer, totalCents: 30871));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("30870", problem.ErrorsOf("totalCents")[0]);
        Assert.Equal(0, await portal.DbAsync(db => db.Invoices.CountAsync(i => i.ExternalId == id)));
    }

    [Fact]
    public async Task ALineWhoseAmountIsNotQuantityTimesPriceIsRefused()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var body = Api.Invoice(customer);
        body["lines"] = new object[]
        {
            new { description = "Service", quantity = 2.5m, unitPriceCents = 1001, amountCents = 2502 },
        };
        body["taxCents"] = 0;
        body["totalCents"] = 2502;

        var response = await portal.Rocky.PutJsonAsync($"/api/v1/invoices/{Api.NewId("I")}", body);

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2503", problem.ErrorsOf("lines[0].amountCents")[0]);
    }

    [Theory]
    [InlineData("85.5", "lines[0].unitPriceCents")]
    [InlineData("\"8500\"", "lines[0].unitPriceCents")]
    [InlineData("1e3", "lines[0].unitPriceCents")]
    [InlineData("99999999999999999999", "lines[0].unitPriceCents")]
    public async Task MoneyThatIsNotAWholeNumberOfCentsIsRefused(string unitPrice, string field)
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var json = $$"""
            {"customerId":"{{customer}}","number":"X-1","invoiceDate":"2026-11-01","dueDate":"2026-12-01",
             "lines":[{"description":"Service","quantity":1,"unitPriceCents":{{unitPrice}},"amountCents":8500}],
             "taxCents":0,"totalCents":8500}
            """;

        var response = await portal.Rocky.PutRawAsync($"/api/v1/invoices/{Api.NewId("I")}", json);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("whole number of cents", problem.ErrorsOf(field)[0]);
    }

    [Fact]
    public async Task MissingAndNegativeFieldsAreEachNamed()
    {
        var response = await portal.Rocky.PutJsonAsync($"/api/v1/invoices/{Api.NewId("I")}", new
        {
            customerId = "CUST-1001",
            invoiceDate = "2026-11-01",
            lines = new object[] { new { description = "", quantity = 0, unitPriceCents = -1, amountCents = 100 } },
            taxCents = -5,
            totalCents = 100,
        });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.ErrorsOf("number"));
        Assert.NotEmpty(problem.ErrorsOf("dueDate"));
        Assert.Contains("negative", problem.ErrorsOf("taxCents")[0]);
        Assert.NotEmpty(problem.ErrorsOf("lines[0].description"));
        Assert.NotEmpty(problem.ErrorsOf("lines[0].quantity"));
        Assert.Contains("negative", problem.ErrorsOf("lines[0].unitPriceCents")[0]);
    }

    [Fact]
    public async Task ADueDateBeforeTheInvoiceDateIsRefused()
    {
        var customer = await portal.Rocky.NewCustomerAsync();

        var response = await portal.Rocky.PutJsonAsync($"/api/v1/invoices/{Api.NewId("I")}",
            Api.Invoice(customer, invoiceDate: "2026-11-10", dueDate: "2026-11-01"));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.ErrorsOf("dueDate"));
    }

    [Fact]
    public async Task ASiteOfAnotherCustomerIsRefused()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var other = await portal.Rocky.NewCustomerAsync();
        var otherSite = await portal.Rocky.NewSiteAsync(other);

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/invoices/{Api.NewId("I")}", Api.Invoice(customer, siteId: otherSite));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("another customer", problem.ErrorsOf("siteId")[0]);
    }

    [Fact]
    public async Task AnInvoiceCannotMoveToAnotherCustomer()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var other = await portal.Rocky.NewCustomerAsync();
        var id = await portal.Rocky.NewInvoiceAsync(customer);

        var response = await portal.Rocky.PutJsonAsync($"/api/v1/invoices/{id}", Api.Invoice(other, number: id));

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AVoidedInvoiceSaysSoAndVoidingAgainChangesNothing()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var id = await portal.Rocky.NewInvoiceAsync(customer);

        var voided = await (await portal.Rocky.PostAsync($"/api/v1/invoices/{id}/void", null))
            .JsonAsync(HttpStatusCode.OK);
        var again = await (await portal.Rocky.PostAsync($"/api/v1/invoices/{id}/void", null))
            .JsonAsync(HttpStatusCode.OK);

        Assert.True(voided.GetProperty("isVoid").GetBoolean());
        Assert.Equal("Void", again.GetProperty("status").GetString());
        await (await portal.Rocky.PutJsonAsync(
                $"/api/v1/invoices/{id}", Api.Invoice(customer, number: id, taxCents: 0)))
            .ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task AnInvoiceWithMoneyAppliedCannotBeVoided()
    {
        // INV-10004 of the demo is partly paid.
        var response = await portal.Rocky.PostAsync("/api/v1/invoices/INV-10004/void", null);

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("payments applied", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnknownInvoiceIsNotFound()
    {
        await (await portal.Rocky.GetAsync("/api/v1/invoices/NOPE-1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await portal.Rocky.PostAsync("/api/v1/invoices/NOPE-1/void", null))
            .ProblemAsync(HttpStatusCode.NotFound);
    }
}

[Collection(ApiCollection.Name)]
public sealed class InvoiceBatchApiTests(ApiPortal portal)
{
    private static Dictionary<string, object?>[] Batch(string customer, int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var id = Api.NewId("B");
            return Api.Invoice(customer, id: id, number: id);
        }).ToArray();

    [Fact]
    public async Task ABatchIsWrittenAndTheSameBatchAgainChangesNothing()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var invoices = Batch(customer, 3);

        var first = await (await portal.Rocky.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices }))
            .JsonAsync(HttpStatusCode.OK);
        var second = await (await portal.Rocky.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices }))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal(3, first.GetProperty("created").GetInt32());
        Assert.Equal(3, second.GetProperty("unchanged").GetInt32());
        Assert.Equal(0, second.GetProperty("created").GetInt32());
        var ids = invoices.Select(i => (string)i["id"]!).ToList();
        Assert.Equal(3, await portal.DbAsync(db => db.Invoices.CountAsync(i => ids.Contains(i.ExternalId))));
    }

    [Fact]
    public async Task OneBadItemMeansNothingIsWrittenAndTheItemIsNamed()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var invoices = Batch(customer, 5);
        invoices[3]["totalCents"] = 1;

        var response = await portal.Rocky.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices });

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.ErrorsOf("invoices[3].totalCents"));
        Assert.Contains("nothing was saved", problem.GetProperty("detail").GetString());
        var ids = invoices.Select(i => (string)i["id"]!).ToList();
        Assert.Equal(0, await portal.DbAsync(db => db.Invoices.CountAsync(i => ids.Contains(i.ExternalId))));
    }

    [Fact]
    public async Task AnItemOfAnUnknownCustomerMeansNothingIsWritten()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var invoices = Batch(customer, 3);
        invoices[1]["customerId"] = "CUST-2001";

        var response = await portal.Rocky.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices });

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.ErrorsOf("invoices[1].customerId"));
        var ids = invoices.Select(i => (string)i["id"]!).ToList();
        Assert.Equal(0, await portal.DbAsync(db => db.Invoices.CountAsync(i => ids.Contains(i.ExternalId))));
    }

    [Fact]
    public async Task ADuplicateIdInOneBatchIsRefused()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var invoices = Batch(customer, 3);
        invoices[2]["id"] = invoices[0]["id"];

        var response = await portal.Rocky.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("more than once", problem.ErrorsOf("invoices[2].id")[0]);
    }

    [Fact]
    public async Task MoreThanAThousandInvoicesAreRefused()
    {
        var invoices = Enumerable.Range(0, 1001).Select(i => new { id = "X" + i }).ToArray();

        var response = await portal.Rocky.PostAsJsonAsync("/api/v1/invoices/batch", new { invoices });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1,000", problem.ErrorsOf("invoices")[0]);
    }
}

[Collection(ApiCollection.Name)]
public sealed class MultiSiteInvoiceApiTests(ApiPortal portal)
{
    private static object Parent(string customer, IEnumerable<string> children, string dueDate = "2026-12-01") =>
        new
        {
            customerId = customer, number = "MS-" + Guid.NewGuid().ToString("N")[..6], invoiceDate = "2026-11-01",
            dueDate, invoiceIds = children.ToArray(),
        };

    [Fact]
    public async Task AMultiSiteInvoiceGroupsItsChildrenAndSumsThem()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var a = await portal.Rocky.NewInvoiceAsync(customer, siteId: await portal.Rocky.NewSiteAsync(customer));
        var b = await portal.Rocky.NewInvoiceAsync(customer, siteId: await portal.Rocky.NewSiteAsync(customer));
        var id = Api.NewId("M");
        var body = Parent(customer, [a, b]);

        var created = await (await portal.Rocky.PutJsonAsync($"/api/v1/multi-site-invoices/{id}", body))
            .JsonAsync(HttpStatusCode.Created);
        var again = await (await portal.Rocky.PutJsonAsync($"/api/v1/multi-site-invoices/{id}", body))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2 * 30870, created.GetProperty("totalCents").GetInt64());
        Assert.Equal([a, b], again.GetProperty("invoiceIds").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var child = await (await portal.Rocky.GetAsync($"/api/v1/invoices/{a}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, child.GetProperty("multiSiteInvoiceId").GetString());
    }

    [Fact]
    public async Task DroppingAChildFromTheListReleasesIt()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var a = await portal.Rocky.NewInvoiceAsync(customer);
        var b = await portal.Rocky.NewInvoiceAsync(customer);
        var id = Api.NewId("M");
        var number = "MS-" + Guid.NewGuid().ToString("N")[..6];
        await (await portal.Rocky.PutJsonAsync($"/api/v1/multi-site-invoices/{id}", new
            {
                customerId = customer, number, invoiceDate = "2026-11-01", dueDate = "2026-12-01",
                invoiceIds = new[] { a, b },
            }))
            .JsonAsync(HttpStatusCode.Created);

        var updated = await (await portal.Rocky.PutJsonAsync($"/api/v1/multi-site-invoices/{id}", new
            {
                customerId = customer, number, invoiceDate = "2026-11-01", dueDate = "2026-12-01",
                invoiceIds = new[] { a },
            }))
            .JsonAsync(HttpStatusCode.OK);

        Assert.Single(updated.GetProperty("invoiceIds").EnumerateArray());
        var released = await (await portal.Rocky.GetAsync($"/api/v1/invoices/{b}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, released.GetProperty("multiSiteInvoiceId").ValueKind);
    }

    [Fact]
    public async Task AChildOfAnotherCustomerIsRefused()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var other = await portal.Rocky.NewCustomerAsync();
        var mine = await portal.Rocky.NewInvoiceAsync(customer);
        var theirs = await portal.Rocky.NewInvoiceAsync(other);

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/multi-site-invoices/{Api.NewId("M")}", Parent(customer, [mine, theirs]));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("another customer", problem.ErrorsOf("invoiceIds[1]")[0]);
        var child = await (await portal.Rocky.GetAsync($"/api/v1/invoices/{mine}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, child.GetProperty("multiSiteInvoiceId").ValueKind);
    }

    [Fact]
    public async Task AChildWithAnotherDueDateIsRefused()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var child = await portal.Rocky.NewInvoiceAsync(customer, dueDate: "2026-12-15");

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/multi-site-invoices/{Api.NewId("M")}", Parent(customer, [child]));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2026-12-15", problem.ErrorsOf("invoiceIds[0]")[0]);
    }

    [Fact]
    public async Task AChildOfAnotherMultiSiteInvoiceIsAConflict()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var child = await portal.Rocky.NewInvoiceAsync(customer);
        await (await portal.Rocky.PutJsonAsync(
                $"/api/v1/multi-site-invoices/{Api.NewId("M")}", Parent(customer, [child])))
            .JsonAsync(HttpStatusCode.Created);

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/multi-site-invoices/{Api.NewId("M")}", Parent(customer, [child]));

        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already belongs", problem.ErrorsOf("invoiceIds[0]")[0]);
    }

    [Fact]
    public async Task AChildKeepsTheDueDateOfItsMultiSiteInvoice()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var child = await portal.Rocky.NewInvoiceAsync(customer);
        await (await portal.Rocky.PutJsonAsync(
                $"/api/v1/multi-site-invoices/{Api.NewId("M")}", Parent(customer, [child])))
            .JsonAsync(HttpStatusCode.Created);

        var response = await portal.Rocky.PutJsonAsync(
            $"/api/v1/invoices/{child}", Api.Invoice(customer, number: child, dueDate: "2026-12-20"));

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }
}

[Collection(ApiCollection.Name)]
public sealed class PaymentApiTests(ApiPortal portal)
{
    private async Task<(long PaymentId, string InvoiceId)> NewPaymentAsync()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var invoiceId = await portal.Rocky.NewInvoiceAsync(customer);
        var paymentId = await portal.DbAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.ExternalId == invoiceId);
            var customerKey = invoice.CustomerId;
            var payment = new Payment(portal.RockyId, customerKey, Guid.NewGuid().ToString("N"), PaymentMethodKind.Card,
                "Visa •••• 4242", null, "pm_test", PaymentSource.Portal, "test@example.com",
                portal.Factory.Clock.GetUtcNow(), [new PaymentAllocation(invoice.Id, 10000)]);
            invoice.ReservePending(10000);
            db.Payments.Add(payment);
            await db.SaveChangesAsync();
            return payment.Id;
        });
        return (paymentId, invoiceId);
    }

    [Fact]
    public async Task PaymentsAreListedAfterACursorWithTheirAllocations()
    {
        var (first, invoiceId) = await NewPaymentAsync();
        var (second, _) = await NewPaymentAsync();

        var page = await (await portal.Rocky.GetAsync($"/api/v1/payments?after={first - 1}&limit=1"))
            .JsonAsync(HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Single(items);
        Assert.Equal(first, items[0].GetProperty("id").GetInt64());
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        Assert.Equal(first, page.GetProperty("nextCursor").GetInt64());
        var allocation = items[0].GetProperty("allocations").EnumerateArray().Single();
        Assert.Equal(invoiceId, allocation.GetProperty("invoiceId").GetString());
        Assert.Equal(10000, allocation.GetProperty("amountCents").GetInt64());

        var next = await (await portal.Rocky.GetAsync($"/api/v1/payments?after={first}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(second, next.GetProperty("items")[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task APaymentIsReadWithItsAllocationsButNotByAnotherCompany()
    {
        var (id, invoiceId) = await NewPaymentAsync();

        var payment = await (await portal.Rocky.GetAsync($"/api/v1/payments/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(10000, payment.GetProperty("amountCents").GetInt64());
        Assert.Equal("Submitted", payment.GetProperty("status").GetString());
        Assert.Equal(invoiceId, payment.GetProperty("allocations")[0].GetProperty("invoiceId").GetString());
        Assert.DoesNotContain("pm_test", payment.ToString());

        await (await portal.OtherPro.GetAsync($"/api/v1/payments/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        var theirs = await (await portal.OtherPro.GetAsync("/api/v1/payments")).JsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetInt64() == id);
    }

    [Fact]
    public async Task ABadCursorOrLimitIsNamed()
    {
        var problem = await (await portal.Rocky.GetAsync("/api/v1/payments?after=-1&limit=501"))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.ErrorsOf("after"));
        Assert.NotEmpty(problem.ErrorsOf("limit"));
    }

    [Fact]
    public async Task SavedMethodsShowBrandLast4AndExpiryNeverTokens()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        await portal.DbAsync(async db =>
        {
            var key = await db.Customers.Where(c => c.ExternalId == customer).Select(c => c.Id).SingleAsync();
            var now = portal.Factory.Clock.GetUtcNow();
            db.SavedPaymentMethods.Add(SavedPaymentMethod.Card(key, "pm_card_secret", "Visa", "4242", 12, 2030, now));
            db.SavedPaymentMethods.Add(SavedPaymentMethod.Card(key, "pm_card_old", "Mastercard", "4444", 1, 2020, now));
            db.SavedPaymentMethods.Add(
                SavedPaymentMethod.BankAccount(key, "pm_bank_secret", "Chase", "checking", "6789", now));
            return await db.SaveChangesAsync();
        });

        var response = await portal.Rocky.GetAsync($"/api/v1/customers/{customer}/payment-methods");

        var methods = (await response.JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal(3, methods.Count);
        var visa = methods.Single(m => m.GetProperty("brand").GetString() == "Visa");
        Assert.Equal("4242", visa.GetProperty("last4").GetString());
        Assert.Equal(2030, visa.GetProperty("expYear").GetInt32());
        Assert.True(methods.Single(m => m.GetProperty("brand").GetString() == "Mastercard")
            .GetProperty("isExpired").GetBoolean());
        Assert.Equal("Chase", methods.Single(m => m.GetProperty("kind").GetString() == "BankAccount")
            .GetProperty("bankName").GetString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("pm_", text);
        await (await portal.OtherPro.GetAsync($"/api/v1/customers/{customer}/payment-methods"))
            .ProblemAsync(HttpStatusCode.NotFound);
        // A Standard-plan company's key is refused before anything is looked up.
        await (await portal.Prairie.GetAsync($"/api/v1/customers/{customer}/payment-methods"))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ChargingASavedMethodIsCheckedThenLeftToThePaymentEngine()
    {
        var customer = await portal.Rocky.NewCustomerAsync();
        var methodId = await portal.DbAsync(async db =>
        {
            var key = await db.Customers.Where(c => c.ExternalId == customer).Select(c => c.Id).SingleAsync();
            var method = SavedPaymentMethod.Card(
                key, "pm_" + customer, "Visa", "4242", 12, 2030, portal.Factory.Clock.GetUtcNow());
            db.SavedPaymentMethods.Add(method);
            await db.SaveChangesAsync();
            return method.Id;
        });
        var url = $"/api/v1/customers/{customer}/payment-methods/{methodId}/charges";
        HttpRequestMessage Charge(object body, string? key = "charge-1")
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var noKey = await portal.Rocky.SendAsync(Charge(new { amountCents = 5000 }, key: null));
        Assert.NotEmpty((await noKey.ProblemAsync(HttpStatusCode.BadRequest)).ErrorsOf("Idempotency-Key"));
        var zero = await portal.Rocky.SendAsync(Charge(new { amountCents = 0 }));
        Assert.NotEmpty((await zero.ProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorsOf("amountCents"));
        // The customer has no invoices: the engine's planner refuses (nothing was charged).
        var nothingOpen = await portal.Rocky.SendAsync(Charge(new { amountCents = 5000 }));
        Assert.NotEmpty((await nothingOpen.ProblemAsync(HttpStatusCode.UnprocessableEntity)).ErrorsOf("amountCents"));

        await (await portal.OtherPro.SendAsync(Charge(new { amountCents = 5000 })))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await portal.Prairie.SendAsync(Charge(new { amountCents = 5000 })))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }
}
