using System.Net;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace CustomerPortal.Web.Tests.Documents;

public sealed class DocumentDownloadTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    private Task<long> CustomerIdAsync(string name) => portal.Factory.WithDbAsync(db =>
        db.Customers.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());

    [Fact]
    public async Task ACustomerDownloadsTheirInvoiceAsAnAttachmentNamedByNumber()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);
        var summit = await CustomerIdAsync("Summit Builders LLC");
        var invoice = await portal.Factory.WithDbAsync(db => db.Invoices
            .Where(i => i.CustomerId == summit && i.MultiSiteInvoiceId == null)
            .OrderBy(i => i.Id).Select(i => new { i.Id, i.Number, i.TotalCents }).FirstAsync());

        var response = await client.GetAsync($"/invoices/{invoice.Id}/pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"Invoice-{invoice.Number}.pdf", response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        var text = Text(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(invoice.Number, text);
        Assert.Contains("Summit Builders LLC", text);
        Assert.Contains("Rocky Mountain Site Services", text);
        Assert.Contains(CustomerPortal.Domain.Money.FromCents(invoice.TotalCents).Format(), text);
    }

    [Theory]
    [InlineData(DemoAccounts.ProCustomer, true)]
    [InlineData(DemoAccounts.StandardCustomer, false)]
    public async Task TheInvoiceSaysPayOnlineOnlyWhereTheCustomerCanPayOnline(string email, bool online)
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, email);
        var invoiceId = await portal.Factory.WithDbAsync(db => db.Invoices
            .Where(i => i.CustomerId == db.Users.Where(u => u.Email == email).Select(u => u.CustomerId).First()
                && i.MultiSiteInvoiceId == null)
            .OrderBy(i => i.Id).Select(i => i.Id).FirstAsync());

        var text = Text(await client.Http.GetByteArrayAsync($"/invoices/{invoiceId}/pdf"));

        Assert.Equal(online, text.Contains("Pay online", StringComparison.Ordinal));
        Assert.Contains("Mail a check", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnotherCustomersInvoiceOrReceiptIsNotFound()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.SecondCustomer);
        var summit = await CustomerIdAsync("Summit Builders LLC");
        var ids = await portal.Factory.WithDbAsync(async db => new
        {
            Invoice = await db.Invoices.Where(i => i.CustomerId == summit).Select(i => i.Id).FirstAsync(),
            Parent = await db.MultiSiteInvoices.Where(m => m.CustomerId == summit).Select(m => m.Id).FirstAsync(),
        });

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/invoices/{ids.Invoice}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await client.GetAsync($"/multi-site-invoices/{ids.Parent}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/invoices/999999999/pdf")).StatusCode);
    }

    [Fact]
    public async Task TheConsolidatedMultiSiteInvoiceListsEverySite()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);
        var summit = await CustomerIdAsync("Summit Builders LLC");
        var (parentId, parentNumber, siteNames) = await portal.Factory.WithDbAsync(async db =>
        {
            var parent = await db.MultiSiteInvoices.Where(m => m.CustomerId == summit).OrderBy(m => m.Id).FirstAsync();
            var names = await (from i in db.Invoices
                               join s in db.Sites on i.SiteId equals s.Id
                               where i.MultiSiteInvoiceId == parent.Id
                               select s.Name).ToListAsync();
            return (parent.Id, parent.Number, names);
        });
        Assert.True(siteNames.Count >= 30);

        var response = await client.GetAsync($"/multi-site-invoices/{parentId}/pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Invoice-{parentNumber}.pdf", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var text = Text(await response.Content.ReadAsByteArrayAsync());
        Assert.All(siteNames, name => Assert.Contains(name, text));
    }

    [Fact]
    public async Task EveryDocumentIsSentPrivateAndNeverStored()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.SecondCustomer);
        var alpine = await CustomerIdAsync("Alpine Events Co.");
        var invoice = await portal.Factory.WithDbAsync(db =>
            db.Invoices.Where(i => i.CustomerId == alpine).Select(i => i.Id).FirstAsync());
        var parent = await portal.Factory.WithDbAsync(db =>
            db.MultiSiteInvoices.Select(m => new { m.Id, m.CustomerId }).FirstAsync());
        var parentOwner = await PortalClient.SignedInAsync(portal.Factory,
            parent.CustomerId == alpine ? DemoAccounts.SecondCustomer : DemoAccounts.ProCustomer);
        var (paymentId, _, _, _) = await PaidReceiptAsync(alpine);
        var documents = new Dictionary<string, (PortalClient Client, string Url)>
        {
            ["/invoices/{id:long}/pdf"] = (client, $"/invoices/{invoice}/pdf"),
            ["/multi-site-invoices/{id:long}/pdf"] = (parentOwner, $"/multi-site-invoices/{parent.Id}/pdf"),
            ["/payments/{id:long}/receipt.pdf"] = (client, $"/payments/{paymentId}/receipt.pdf"),
        };
        // Every route that sends a PDF is in the list, so a new document cannot slip past the rule.
        var pdfRoutes = portal.Factory.Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => r.EndsWith("pdf", StringComparison.OrdinalIgnoreCase)).Distinct().Order();
        Assert.Equal(documents.Keys.Order(), pdfRoutes);

        foreach (var (route, (owner, url)) in documents)
        {
            var response = await owner.GetAsync(url);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}: {(int)response.StatusCode}");
            Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
            var cache = response.Headers.CacheControl;
            Assert.True(cache is { Private: true, NoStore: true }, $"{route} sent Cache-Control: {cache}");
        }
    }

    /// <summary>A succeeded payment of one invoice of the customer, as the payment engine leaves it.</summary>
    private Task<(long PaymentId, string Receipt, long InvoiceId, string InvoiceNumber)> PaidReceiptAsync(
        long customerId) =>
        portal.Factory.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.Where(i => i.CustomerId == customerId && i.BalanceCents > 0)
                .OrderBy(i => i.Id).FirstAsync();
            var companyId = await db.Customers.Where(c => c.Id == customerId).Select(c => c.CompanyId).SingleAsync();
            var payment = new Payment(companyId, customerId, "test-receipt-" + Guid.NewGuid(), PaymentMethodKind.Card,
                "Visa •••• 4242", null, "spm_test",
                PaymentSource.Portal, "test", DateTimeOffset.UtcNow,
                [new PaymentAllocation(invoice.Id, invoice.BalanceCents)]);
            invoice.ReservePending(invoice.BalanceCents);
            db.Payments.Add(payment);
            await db.SaveChangesAsync();
            payment.TryMoveTo(PaymentStatus.Succeeded, DateTimeOffset.UtcNow);
            invoice.SettlePending(invoice.PendingCents);
            await db.SaveChangesAsync();
            return (payment.Id, payment.ReceiptNumber, invoice.Id, invoice.Number);
        });

    [Fact]
    public async Task AReceiptListsWhatThePaymentPaidAndAPaidInvoiceStaysDownloadable()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.SecondCustomer);
        var alpine = await CustomerIdAsync("Alpine Events Co.");
        var (paymentId, receipt, invoiceId, invoiceNumber) = await PaidReceiptAsync(alpine);

        var response = await client.GetAsync($"/payments/{paymentId}/receipt.pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Receipt-{receipt}.pdf", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var text = Text(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains(receipt, text);
        Assert.Contains(invoiceNumber, text);
        Assert.Contains("Visa •••• 4242".Split(' ')[0], text);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/invoices/{invoiceId}/pdf")).StatusCode);
        var summitClient = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.ProCustomer);
        Assert.Equal(HttpStatusCode.NotFound,
            (await summitClient.GetAsync($"/payments/{paymentId}/receipt.pdf")).StatusCode);
    }
}
