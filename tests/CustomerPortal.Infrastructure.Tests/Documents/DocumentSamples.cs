using CustomerPortal.Infrastructure.Documents;

namespace CustomerPortal.Infrastructure.Tests.Documents;

/// <summary>
/// Small builders for document models; totals are computed from the lines so every sample is consistent.
/// </summary>
internal static class DocumentSamples
{
    public static readonly CompanyBlock Company = new("Summit Field Services", ["1200 Market St", "Denver, CO 80202"]);

    public static BillToBlock BillTo(string name = "Acme Property Group") =>
        new(name, "ACCT-1042", ["77 Harbor Way", "Suite 300", "Boulder, CO 80301"]);

    public static InvoiceLineRow Line(int n, long unitCents = 12_500, decimal quantity = 2) =>
        new($"Service item {n:000}", quantity, unitCents, (long)(quantity * unitCents));

    public static InvoiceDocumentModel Invoice(
        int lineCount = 3, string number = "INV-1001", BillToBlock? billTo = null, long taxCents = 1_875,
        long paidCents = 5_000, long pendingCents = 0, IReadOnlyList<InvoiceLineRow>? lines = null)
    {
        lines ??= Enumerable.Range(1, lineCount).Select(n => Line(n)).ToList();
        var subtotal = lines.Sum(l => l.AmountCents);
        var total = subtotal + taxCents;
        return new InvoiceDocumentModel(Company, billTo ?? BillTo(), number, new DateOnly(2025, 3, 1),
            new DateOnly(2025, 3, 31), "North Yard", ["400 Quarry Rd", "Golden, CO 80401"], lines, subtotal, taxCents,
            total, paidCents, pendingCents, total - paidCents - pendingCents,
            "Pay online at portal.example.com or mail a check to Summit Field Services.");
    }

    public static MultiSiteInvoiceDocumentModel MultiSite(
        int siteCount, int linesPerSite = 3, string number = "MS-2001")
    {
        var sites = Enumerable.Range(1, siteCount).Select(i =>
        {
            var lines = Enumerable.Range(1, linesPerSite)
                .Select(n => new InvoiceLineRow($"Site {i:00} work {n}", 1, 10_000 + i, 10_000 + i)).ToList();
            return new SiteInvoiceSection($"Site {i:00} Warehouse", [$"{i} Industrial Pkwy", "Aurora, CO 80011"],
                $"{number}-{i:00}", lines, lines.Sum(l => l.AmountCents));
        }).ToList();
        var subtotal = sites.Sum(s => s.SubtotalCents);
        const long tax = 12_345;
        const long paid = 20_000;
        return new MultiSiteInvoiceDocumentModel(Company, BillTo(), number, new DateOnly(2025, 4, 1),
            new DateOnly(2025, 4, 30), sites, subtotal, tax, subtotal + tax, paid, 0, subtotal + tax - paid,
            "Pay all sites at once in the portal.");
    }

    public static ReceiptDocumentModel Receipt(params ReceiptAllocationRow[] allocations) =>
        new(Company, BillTo(), "R-3001", new DateOnly(2025, 3, 15), "Visa •••• 4242",
            allocations.Sum(a => a.AppliedCents), "Succeeded", allocations);
}
