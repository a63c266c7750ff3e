using CustomerPortal.Infrastructure.Documents;
using UglyToad.PdfPig;

namespace CustomerPortal.Infrastructure.Tests.Documents;

[Collection(PdfDocumentsCollection.Name)]
public sealed class InvoicePdfTests
{
    private readonly InvoicePdfRenderer _renderer = new();

    [Fact]
    public void InvoiceShowsItsPartiesNumberDatesLinesTotalsAndBalanceInReadingOrder()
    {
        var lines = new[]
        {
            new InvoiceLineRow("Quarterly HVAC inspection", 1, 45_000, 45_000),
            new InvoiceLineRow("Filter replacement", 6, 2_250, 13_500),
            new InvoiceLineRow("Labor, overtime hours", 2.5m, 9_800, 24_500),
        };
        var invoice = DocumentSamples.Invoice(lines: lines, taxCents: 6_640, paidCents: 30_000);

        var text = PdfText.All(_renderer.RenderInvoice(invoice));

        PdfText.AssertInOrder(text,
            "Summit Field Services", "1200 Market St", "Denver, CO 80202",
            "INVOICE", "Invoice number", "INV-1001", "Invoice date", "Mar 1, 2025", "Due date", "Mar 31, 2025",
            "BILL TO", "Acme Property Group", "Account ACCT-1042", "77 Harbor Way", "Boulder, CO 80301",
            "SERVICE SITE", "North Yard", "400 Quarry Rd",
            "DESCRIPTION", "QTY", "UNIT PRICE", "AMOUNT",
            "Quarterly HVAC inspection", "1", "$450.00", "$450.00",
            "Filter replacement", "6", "$22.50", "$135.00",
            "Labor, overtime hours", "2.5", "$98.00", "$245.00",
            "Subtotal", "$830.00", "Tax", "$66.40", "Total", "$896.40", "Amount paid", "$300.00",
            "Balance due", "$596.40",
            "How to pay", "Pay online at portal.example.com");
        Assert.DoesNotContain("Payments pending", text, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void InvoiceWithAPendingPaymentShowsItBetweenPaidAndBalance()
    {
        var invoice = DocumentSamples.Invoice(lineCount: 2, taxCents: 0, paidCents: 10_000, pendingCents: 15_000);

        var text = PdfText.All(_renderer.RenderInvoice(invoice));

        PdfText.AssertInOrder(text, "Amount paid", "$100.00", "Payments pending", "$150.00", "Balance due", "$250.00");
    }

    [Fact]
    public void MoneyColumnsAndTotalsAreRightAligned()
    {
        var lines = new[]
        {
            new InvoiceLineRow("Small part", 1, 5, 5),
            new InvoiceLineRow("Large project", 1, 123_456_789, 123_456_789),
        };
        var pdf = _renderer.RenderInvoice(DocumentSamples.Invoice(lines: lines, taxCents: 0, paidCents: 0));

        using var document = PdfDocument.Open(pdf);
        var words = document.GetPage(1).GetWords().ToList();
        List<double> RightEdgesOf(string text) =>
            words.Where(w => w.Text == text).Select(w => w.BoundingBox.Right).ToList();
        var small = RightEdgesOf("$0.05");          // unit price and amount of the first line
        var large = RightEdgesOf("$1,234,567.89");  // unit price and amount of the second line
        var totals = RightEdgesOf("$1,234,567.94"); // subtotal, total, balance due

        Assert.Equal(2, small.Count);
        Assert.Equal(2, large.Count);
        Assert.Equal(3, totals.Count);
        Assert.True(small.Max() - small.Min() > 50, "unit price and amount are separate columns");
        // Each value ends where the others in its column end, whatever its width; the totals line up with the amounts.
        Assert.Equal(small.Min(), large.Min(), 0.5);
        Assert.Equal(small.Max(), large.Max(), 0.5);
        Assert.All(totals, right => Assert.Equal(large.Max(), right, 0.5));
    }

    [Fact]
    public void A300LineInvoiceContinuesOverPagesWithTheTableHeaderAndPageNumbersOnEach()
    {
        var invoice = DocumentSamples.Invoice(lineCount: 300);

        var pages = PdfText.Pages(_renderer.RenderInvoice(invoice));

        Assert.True(pages.Count >= 4, $"expected several pages, got {pages.Count}");
        for (var i = 0; i < pages.Count; i++)
        {
            PdfText.AssertInOrder(pages[i], "DESCRIPTION", "QTY", "UNIT PRICE", "AMOUNT");
            Assert.Contains($"Page {i + 1} of {pages.Count}", pages[i], StringComparison.Ordinal);
            if (i > 0) Assert.Contains("Invoice INV-1001 (continued)", pages[i], StringComparison.Ordinal);
        }
        var all = string.Join(" ", pages);
        PdfText.AssertInOrder(all, Enumerable.Range(1, 300).Select(n => $"Service item {n:000}").ToArray());
        Assert.Equal(300, CountOf(all, "Service item "));
        PdfText.AssertInOrder(pages[^1], "Service item 300", "Subtotal", "$75,000.00", "Balance due", "$74,968.75");
    }

    [Fact]
    public void NamesWithAccentsArePrintedAndExtractAsWritten()
    {
        var invoice = DocumentSamples.Invoice(
            billTo: DocumentSamples.BillTo("Zoë Müller-Ødegård & Señor Núñez"),
            lines:
            [
                new InvoiceLineRow("Réparation du système — façade nord, ñandú pen, Ærø ferry dock", 1, 10_000, 10_000),
            ]) with
        {
            Company = new CompanyBlock("Café Élan Services", ["Københavnsgade 5", "Łódź, Zürich"]),
        };

        var text = PdfText.All(_renderer.RenderInvoice(invoice));

        Assert.Contains("Zoë Müller-Ødegård & Señor Núñez", text, StringComparison.Ordinal);
        Assert.Contains("Café Élan Services", text, StringComparison.Ordinal);
        Assert.Contains("Københavnsgade 5", text, StringComparison.Ordinal);
        // Ł is outside Windows-1252: it only survives with the Unicode font encoding.
        Assert.Contains("Łódź, Zürich", text, StringComparison.Ordinal);
        Assert.Contains(
            "Réparation du système — façade nord, ñandú pen, Ærø ferry dock", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ADescriptionTooLongForItsColumnWrapsInsteadOfRunningIntoTheNumbers()
    {
        var description = string.Join(" ", Enumerable.Range(1, 40).Select(n => $"word{n}"));
        var pdf = _renderer.RenderInvoice(
            DocumentSamples.Invoice(lines: [new InvoiceLineRow(description, 3, 1_000, 3_000)]));

        using var document = PdfDocument.Open(pdf);
        var words = document.GetPage(1).GetWords().ToList();
        var qtyHeader = words.Single(w => w.Text == "QTY").BoundingBox.Left;
        var descriptionWords = words.Where(w => w.Text.StartsWith("word", StringComparison.Ordinal)).ToList();

        Assert.Equal(40, descriptionWords.Count);
        Assert.All(descriptionWords,
            w => Assert.True(w.BoundingBox.Right < qtyHeader, $"{w.Text} overlaps the numbers"));
        Assert.True(descriptionWords.Select(w => Math.Round(w.BoundingBox.Bottom)).Distinct().Count() > 1,
            "the description wraps");
    }

    [Fact]
    public void MultiSiteInvoiceListsEverySiteWithItsLinesAndSubtotalThenGrandTotals()
    {
        var invoice = DocumentSamples.MultiSite(siteCount: 40);

        var pdf = _renderer.RenderMultiSiteInvoice(invoice);
        var pages = PdfText.Pages(pdf);
        var text = string.Join(" ", pages);

        var expected = new List<string> { "MS-2001", "Sites", "40", "Acme Property Group" };
        foreach (var site in invoice.Sites)
        {
            expected.Add(site.SiteName);
            expected.Add($"Invoice {site.InvoiceNumber}");
            expected.AddRange(site.Lines.Select(l => l.Description));
            expected.Add($"Subtotal for {site.SiteName}");
            expected.Add(CustomerPortal.Domain.Money.FromCents(site.SubtotalCents).Format());
        }
        expected.AddRange(["Subtotal, all sites", "$12,024.60", "Tax", "$123.45", "Total", "$12,148.05",
            "Amount paid", "$200.00", "Balance due", "$11,948.05"]);
        PdfText.AssertInOrder(text, expected.ToArray());
        Assert.True(pages.Count > 1);
        Assert.Contains($"Page {pages.Count} of {pages.Count}", pages[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ASiteSubtotalNeverStartsAPageWithoutTheLastLinesOfItsTable()
    {
        // Every length of one site's table from one page to a little over two: wherever the page breaks, the page
        // that carries the subtotal also carries lines of that site.
        for (var lines = 20; lines <= 75; lines++)
        {
            var pages = PdfText.Pages(_renderer.RenderMultiSiteInvoice(
                DocumentSamples.MultiSite(siteCount: 1, linesPerSite: lines)));

            var withSubtotal = pages.Single(p => p.Contains("Subtotal for Site 01", StringComparison.Ordinal));
            Assert.True(withSubtotal.Contains("Site 01 work", StringComparison.Ordinal),
                $"{lines} lines: the subtotal is alone on page {pages.ToList().IndexOf(withSubtotal) + 1}");
        }
    }

    [Fact]
    public void TheTotalsNeverStartAPageWithoutTheLastLinesOfTheTable()
    {
        for (var lines = 20; lines <= 75; lines++)
        {
            var pages = PdfText.Pages(_renderer.RenderInvoice(DocumentSamples.Invoice(lineCount: lines)));

            var withTotals = pages.Single(p => p.Contains("Balance due", StringComparison.Ordinal));
            Assert.True(withTotals.Contains("Service item", StringComparison.Ordinal),
                $"{lines} lines: the totals are alone on page {pages.ToList().IndexOf(withTotals) + 1}");
        }
    }

    [Fact]
    public void ReceiptShowsThePaymentAndEachInvoiceItWasAppliedTo()
    {
        var receipt = DocumentSamples.Receipt(
            new ReceiptAllocationRow("INV-1001", 50_000, 0),
            new ReceiptAllocationRow("INV-1002", 12_345, 7_655));

        var text = PdfText.All(_renderer.RenderReceipt(receipt));

        PdfText.AssertInOrder(text,
            "RECEIPT", "Receipt number", "R-3001", "Payment date", "Mar 15, 2025", "Status", "Succeeded",
            "RECEIVED FROM", "Acme Property Group", "PAYMENT", "Visa •••• 4242",
            "Amount paid", "$623.45",
            "INVOICE", "AMOUNT APPLIED", "REMAINING BALANCE",
            "INV-1001", "$500.00", "$0.00",
            "INV-1002", "$123.45", "$76.55",
            "Total applied", "$623.45");
    }

    [Theory]
    [InlineData("INV-1001", "Invoice-INV-1001.pdf")]
    [InlineData(" 2025/07 \"A\"\r\n", "Invoice-2025-07--A-.pdf")]
    public void InvoiceFileNameIsTheNumberMadeSafeForADownloadHeader(string number, string expected) =>
        Assert.Equal(expected, InvoicePdfRenderer.InvoiceFileName(number));

    [Fact]
    public void ReceiptFileNameIsTheReceiptNumber() =>
        Assert.Equal("Receipt-R-3001.pdf", InvoicePdfRenderer.ReceiptFileName("R-3001"));

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal);
             at >= 0;
             at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
