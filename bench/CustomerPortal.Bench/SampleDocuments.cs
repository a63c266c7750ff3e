using CustomerPortal.Infrastructure.Documents;

namespace CustomerPortal.Bench;

/// <summary>Realistic documents for benchmarks and for looking at the output.</summary>
internal static class SampleDocuments
{
    private static readonly CompanyBlock Company =
        new("Summit Field Services", ["1200 Market St, Suite 400", "Denver, CO 80202"]);
    private static readonly BillToBlock BillTo =
        new("Zoë Müller-Ødegård Properties, LLC", "ACCT-104233", ["77 Harbor Way", "Boulder, CO 80301"]);

    private static readonly string[] Work =
    [
        "Quarterly HVAC inspection, rooftop units 1–4",
        "Replace MERV-13 filters",
        "Labor, technician (hours)",
        "Condensate line flush and treatment",
        "Refrigerant R-410A (lb)",
        "Thermostat replacement, programmable, incl. wiring and setup of schedules for weekdays and weekends",
        "Trip charge",
    ];

    public static IReadOnlyList<InvoiceLineRow> Lines(int count, int seed = 0) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var quantity = (i % 3) switch { 0 => 1m, 1 => 2.5m, _ => 4m };
            var unit = 1_250 + ((i + seed) * 3_517 % 40_000);
            return new InvoiceLineRow(Work[(i + seed) % Work.Length], quantity, unit, (long)(quantity * unit));
        }).ToList();

    public static InvoiceDocumentModel Invoice(int lineCount)
    {
        var lines = Lines(lineCount);
        var subtotal = lines.Sum(l => l.AmountCents);
        var tax = subtotal * 29 / 1000;
        var total = subtotal + tax;
        const long paid = 10_000;
        return new InvoiceDocumentModel(Company, BillTo, "INV-2025-00417", new DateOnly(2025, 3, 1),
            new DateOnly(2025, 3, 31), "North Yard — Building C", ["400 Quarry Rd", "Golden, CO 80401"], lines,
            subtotal, tax, total, paid, 0, total - paid, HowToPay);
    }

    public static MultiSiteInvoiceDocumentModel MultiSite(int siteCount)
    {
        var sites = Enumerable.Range(1, siteCount).Select(i =>
        {
            var lines = Lines(3 + i % 4, seed: i);
            return new SiteInvoiceSection($"Store #{100 + i} – {(i % 2 == 0 ? "Señor Café" : "Ørsted Plaza")}",
                [$"{100 + i * 7} Main St", "Aurora, CO 80011"], $"INV-2025-{500 + i:00000}", lines,
                lines.Sum(l => l.AmountCents));
        }).ToList();
        var subtotal = sites.Sum(s => s.SubtotalCents);
        var tax = subtotal * 29 / 1000;
        return new MultiSiteInvoiceDocumentModel(Company, BillTo, "MSI-2025-0042", new DateOnly(2025, 4, 1),
            new DateOnly(2025, 4, 30), sites, subtotal, tax, subtotal + tax, 0, 25_000, subtotal + tax - 25_000,
            HowToPay);
    }

    public static ReceiptDocumentModel Receipt() =>
        new(Company, BillTo, "RCPT-000981", new DateOnly(2025, 3, 15), "Visa •••• 4242", 181_110, "Succeeded",
        [
            new ReceiptAllocationRow("INV-2025-00411", 98_765, 0),
            new ReceiptAllocationRow("INV-2025-00417", 82_345, 11_655),
        ]);

    private const string HowToPay =
        "Pay online in the customer portal with a card or bank account (ACH). To pay by check, make it payable to " +
        "Summit Field Services and write the invoice number on it. Questions about this invoice? Call (303) 555-0142.";
}
