using System.Net;
using AngleSharp.Html.Dom;
using CustomerPortal.Web.Tests.Infrastructure;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// The result page, payment history and Make a Payment table link the receipt and invoice PDFs, and each link
/// downloads.
/// </summary>
public sealed class PaymentDocumentLinkTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private async Task AssertPdfAsync(string href)
    {
        var response = await _kit.Client.GetAsync(href);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {href} answered {(int)response.StatusCode}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
    }

    private static List<string> Hrefs(IHtmlDocument page, string selector) =>
        page.QuerySelectorAll(selector).Select(a => a.GetAttribute("href")!).ToList();

    [Fact]
    public async Task ThePaidResultAndHistoryLinkTheReceiptAndEveryInvoicePdf()
    {
        var invoices = await _kit.OpenInvoicesAsync(2);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var id = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa)));

        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        var receipt = result.QuerySelector("[data-testid=receipt-pdf]")!;
        Assert.Equal("Download receipt (PDF)", receipt.TextContent.Trim());
        Assert.Equal($"/payments/{id}/receipt.pdf", receipt.GetAttribute("href"));
        await AssertPdfAsync(receipt.GetAttribute("href")!);
        var invoiceLinks = Hrefs(result, "[data-testid=allocations] a[data-testid=invoice-pdf]");
        Assert.Equal(invoices.Select(i => $"/invoices/{i.Id}/pdf").Order(), invoiceLinks.Order());
        foreach (var href in invoiceLinks) await AssertPdfAsync(href);

        var history = await _kit.Client.GetDocumentAsync("/pay/history");
        var row = history.QuerySelectorAll("[data-testid=history] tbody tr").Single();
        Assert.Equal(
            $"/payments/{id}/receipt.pdf", row.QuerySelector("a[data-testid=receipt-pdf]")!.GetAttribute("href"));
        var rowInvoiceLinks = row.QuerySelectorAll("a[data-testid=invoice-pdf]")
            .Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(invoiceLinks.Order(), rowInvoiceLinks.Order());
        foreach (var href in rowInvoiceLinks) await AssertPdfAsync(href);
    }

    [Fact]
    public async Task ADeclinedPaymentOffersNoReceipt()
    {
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        var id = PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Declined)));
        var result = await _kit.Client.GetDocumentAsync($"/pay/payments/{id}");
        Assert.Null(result.QuerySelector("[data-testid=receipt-pdf]"));
        var history = await _kit.Client.GetDocumentAsync("/pay/history");
        Assert.Null(history.QuerySelector("[data-testid=history] a[data-testid=receipt-pdf]"));
    }

    [Fact]
    public async Task TheMakeAPaymentTableLinksInvoiceAndMultiSiteInvoicePdfs()
    {
        var single = await _kit.Client.GetDocumentAsync("/pay");
        var links = Hrefs(single, "[data-testid=open-invoices] a[href$='/pdf']");
        Assert.Equal(25, links.Count);
        Assert.All(links, l => Assert.Matches("^/invoices/\\d+/pdf$", l));
        await AssertPdfAsync(links[0]);

        var choice = await _kit.Client.PostFormAsync(single, "/pay/choice", new() { ["choice"] = "multi" });
        Assert.Equal(HttpStatusCode.Redirect, choice.StatusCode);
        var multi = await _kit.Client.GetDocumentAsync("/pay");
        var parents = Hrefs(multi, "[data-testid=open-invoices] a[href^='/multi-site-invoices/']");
        Assert.NotEmpty(parents);
        await AssertPdfAsync(parents[0]);
        var children = Hrefs(multi, "[data-testid=open-invoices] a[href^='/invoices/']");
        Assert.NotEmpty(children);
        await AssertPdfAsync(children[0]);
    }
}
