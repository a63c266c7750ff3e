using System.Globalization;
using CustomerPortal.Domain;
using PdfSharp.Pdf;

namespace CustomerPortal.Infrastructure.Documents;

/// <summary>
/// Renders invoices, multi-site invoices and receipts as PDF bytes. Stateless and thread-safe: register it as a
/// singleton.
/// </summary>
public sealed class InvoicePdfRenderer
{
    private static readonly CultureInfo UsCulture = CultureInfo.GetCultureInfo("en-US");

    // Lines table: description takes what the numbers leave.
    private static readonly TableColumn[] LineColumns =
    [
        new("DESCRIPTION", PageFlow.ContentWidth - 60 - 90 - 95, false),
        new("QTY", 60, true),
        new("UNIT PRICE", 90, true),
        new("AMOUNT", 95, true),
    ];

    private static readonly TableColumn[] AllocationColumns =
    [
        new("INVOICE", PageFlow.ContentWidth - 130 - 140, false),
        new("AMOUNT APPLIED", 130, true),
        new("REMAINING BALANCE", 140, true),
    ];

    public InvoicePdfRenderer() => DocumentFonts.EnsureRegistered();

    /// <summary>"Invoice-INV-1001.pdf"; characters unsafe in a file name or header become '-'.</summary>
    public static string InvoiceFileName(string invoiceNumber) => FileName("Invoice", invoiceNumber);

    /// <summary>"Receipt-R-2001.pdf"; characters unsafe in a file name or header become '-'.</summary>
    public static string ReceiptFileName(string receiptNumber) => FileName("Receipt", receiptNumber);

    public byte[] RenderInvoice(InvoiceDocumentModel invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return Render($"Invoice {invoice.InvoiceNumber}", invoice.Company.Name, flow =>
        {
            DrawMasthead(flow, invoice.Company, "INVOICE",
            [
                ("Invoice number", invoice.InvoiceNumber),
                ("Invoice date", FormatDate(invoice.InvoiceDate)),
                ("Due date", FormatDate(invoice.DueDate)),
            ]);
            (string, string, IReadOnlyList<string>)? site =
                invoice.SiteName is null ? null : ("SERVICE SITE", invoice.SiteName, invoice.SiteAddressLines);
            DrawParties(flow, BillToLines(invoice.BillTo), "BILL TO", invoice.BillTo.CustomerName, site);
            DrawLinesTable(flow, invoice.Lines, beforeHeaderOnNewPage: null,
                keepLastRowWith: TotalsHeight(invoice.PendingCents));
            DrawTotals(flow, invoice.SubtotalCents, invoice.TaxCents, invoice.TotalCents, invoice.PaidCents,
                invoice.PendingCents, invoice.BalanceCents, "Subtotal");
            DrawHowToPay(flow, invoice.HowToPay);
        });
    }

    public byte[] RenderMultiSiteInvoice(MultiSiteInvoiceDocumentModel invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return Render($"Invoice {invoice.InvoiceNumber}", invoice.Company.Name, flow =>
        {
            DrawMasthead(flow, invoice.Company, "INVOICE",
            [
                ("Invoice number", invoice.InvoiceNumber),
                ("Invoice date", FormatDate(invoice.InvoiceDate)),
                ("Due date", FormatDate(invoice.DueDate)),
                ("Sites", invoice.Sites.Count.ToString(UsCulture)),
            ]);
            DrawParties(flow, BillToLines(invoice.BillTo), "BILL TO", invoice.BillTo.CustomerName,
                ("MULTI-SITE INVOICE", $"{invoice.Sites.Count} sites, one payment due {FormatDate(invoice.DueDate)}",
                    ["Each site's invoice is listed below with its own lines and subtotal."]));

            foreach (var site in invoice.Sites)
            {
                var addressLine = string.Join(", ", site.SiteAddressLines.Where(l => !string.IsNullOrWhiteSpace(l)));
                // Keep the site heading with its table header and first line.
                flow.EnsureSpace(SiteHeadingHeight(addressLine) + 18 + 22);
                flow.Y += 6;
                DrawSiteHeading(flow, site, addressLine, continued: false);
                DrawLinesTable(flow, site.Lines, () => DrawSiteHeading(flow, site, addressLine, continued: true),
                    keepLastRowWith: SiteSubtotalHeight);
                // The last line brought the subtotal's room along; should it still not fit, the site heading comes
                // along to say whose it is.
                if (flow.EnsureSpace(SiteSubtotalHeight)) DrawSiteHeading(flow, site, addressLine, continued: true);
                flow.Text($"Subtotal for {site.SiteName}", flow.Style.BodyBold, flow.Style.Text, PageFlow.Left,
                    flow.Y + 5, PageFlow.ContentWidth - 100, alignRight: true);
                flow.Text(Format(site.SubtotalCents), flow.Style.BodyBold, flow.Style.Text, PageFlow.Right - 95,
                    flow.Y + 5, 95 - PageFlow.CellPadding, alignRight: true);
                flow.Y += SiteSubtotalHeight;
            }

            DrawTotals(flow, invoice.SubtotalCents, invoice.TaxCents, invoice.TotalCents, invoice.PaidCents,
                invoice.PendingCents, invoice.BalanceCents, "Subtotal, all sites");
            DrawHowToPay(flow, invoice.HowToPay);
        });
    }

    public byte[] RenderReceipt(ReceiptDocumentModel receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Render($"Receipt {receipt.ReceiptNumber}", receipt.Company.Name, flow =>
        {
            DrawMasthead(flow, receipt.Company, "RECEIPT",
            [
                ("Receipt number", receipt.ReceiptNumber),
                ("Payment date", FormatDate(receipt.PaymentDate)),
                ("Status", receipt.Status),
            ]);
            DrawParties(flow, BillToLines(receipt.BillTo), "RECEIVED FROM", receipt.BillTo.CustomerName,
                ("PAYMENT", receipt.MethodSummary, []));

            flow.EnsureSpace(30);
            flow.Graphics.DrawRectangle(flow.Style.BandFill, PageFlow.Left, flow.Y, PageFlow.ContentWidth, 26);
            flow.Text("Amount paid", flow.Style.Emphasis, flow.Style.Text, PageFlow.Left + 8, flow.Y + 6, 200);
            flow.Text(Format(receipt.AmountCents), flow.Style.Emphasis, flow.Style.Text, PageFlow.Left, flow.Y + 6,
                PageFlow.ContentWidth - PageFlow.CellPadding, alignRight: true);
            flow.Y += 40;
            if (receipt.StatusNote is { Length: > 0 } note)
            {
                foreach (var line in flow.Wrap(note, flow.Style.Body, PageFlow.ContentWidth))
                {
                    flow.EnsureSpace(14);
                    flow.Text(line, flow.Style.Body, flow.Style.Text, PageFlow.Left, flow.Y, PageFlow.ContentWidth);
                    flow.Y += 14;
                }
                flow.Y += 8;
            }

            flow.EnsureSpace(16 + 18 + 22);
            flow.Text("APPLIED TO INVOICES", flow.Style.Label, flow.Style.Muted, PageFlow.Left, flow.Y, 300);
            flow.Y += 14;
            flow.TableHeader(AllocationColumns);
            foreach (var row in receipt.Allocations)
            {
                flow.TableRow(AllocationColumns,
                    [row.InvoiceNumber, Format(row.AppliedCents), Format(row.RemainingBalanceCents)],
                    () => flow.TableHeader(AllocationColumns));
            }
            flow.TableRow(AllocationColumns,
                ["Total applied", Format(receipt.Allocations.Sum(a => a.AppliedCents)), ""],
                () => flow.TableHeader(AllocationColumns), flow.Style.BodyBold);
        });
    }

    private static byte[] Render(string title, string companyName, Action<PageFlow> draw)
    {
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Author = companyName;
        document.Info.Creator = "CustomerPortal";
        document.Options.CompressContentStreams = true;

        var style = new DocumentStyle();
        using (var flow = new PageFlow(document, style, $"{title} (continued)", $"{companyName} · {title}"))
        {
            draw(flow);
            flow.Finish();
        }

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>Company block on the left, document title and its key facts on the right.</summary>
    private static void DrawMasthead(
        PageFlow flow, CompanyBlock company, string title, IReadOnlyList<(string Label, string Value)> facts)
    {
        var s = flow.Style;
        var top = flow.Y;
        const double factsWidth = 230;
        var leftWidth = PageFlow.ContentWidth - factsWidth - 10;

        var y = top;
        foreach (var line in flow.Wrap(company.Name, s.CompanyName, leftWidth))
        {
            flow.Text(line, s.CompanyName, s.Accent, PageFlow.Left, y, leftWidth);
            y += 18;
        }
        y += 2;
        foreach (var line in company.AddressLines)
        {
            flow.Text(line, s.Body, s.Text, PageFlow.Left, y, leftWidth);
            y += 12;
        }

        var factsLeft = PageFlow.Right - factsWidth;
        var ry = top;
        flow.Text(title, s.Title, s.Accent, factsLeft, ry - 3, factsWidth, alignRight: true);
        ry += 32;
        foreach (var (label, value) in facts)
        {
            flow.Text(label, s.Body, s.Muted, factsLeft, ry, 100);
            // A long value (a returned payment's status) wraps rather than runs off the page.
            foreach (var line in flow.Wrap(value, s.BodyBold, factsWidth - 100))
            {
                flow.Text(line, s.BodyBold, s.Text, factsLeft + 100, ry, factsWidth - 100, alignRight: true);
                ry += 14;
            }
        }

        flow.Y = Math.Max(y, ry) + 8;
        flow.Graphics.DrawLine(s.Rule, PageFlow.Left, flow.Y, PageFlow.Right, flow.Y);
        flow.Y += 14;
    }

    /// <summary>The bill-to block and, beside it, an optional second block (service site, payment method).</summary>
    private static void DrawParties(
        PageFlow flow, IReadOnlyList<string> billToLines, string billToLabel, string customerName,
        (string Label, string Title, IReadOnlyList<string> Lines)? second)
    {
        var s = flow.Style;
        const double columnWidth = 240;
        var top = flow.Y;

        var y = top;
        flow.Text(billToLabel, s.Label, s.Muted, PageFlow.Left, y, columnWidth);
        y += 12;
        foreach (var line in flow.Wrap(customerName, s.BodyBold, columnWidth))
        {
            flow.Text(line, s.BodyBold, s.Text, PageFlow.Left, y, columnWidth);
            y += 12;
        }
        foreach (var line in billToLines)
        {
            flow.Text(line, s.Body, s.Text, PageFlow.Left, y, columnWidth);
            y += 12;
        }

        var ry = top;
        if (second is { } block)
        {
            var x = PageFlow.Left + columnWidth + 24;
            var width = PageFlow.Right - x;
            flow.Text(block.Label, s.Label, s.Muted, x, ry, width);
            ry += 12;
            foreach (var line in flow.Wrap(block.Title, s.BodyBold, width))
            {
                flow.Text(line, s.BodyBold, s.Text, x, ry, width);
                ry += 12;
            }
            foreach (var line in block.Lines.SelectMany(l => flow.Wrap(l, s.Body, width)))
            {
                flow.Text(line, s.Body, s.Text, x, ry, width);
                ry += 12;
            }
        }
        flow.Y = Math.Max(y, ry) + 14;
    }

    private static double SiteHeadingHeight(string addressLine) => addressLine.Length == 0 ? 20 : 31;

    private static void DrawSiteHeading(PageFlow flow, SiteInvoiceSection site, string addressLine, bool continued)
    {
        var s = flow.Style;
        var height = SiteHeadingHeight(addressLine);
        flow.Graphics.DrawRectangle(s.BandFill, PageFlow.Left, flow.Y, PageFlow.ContentWidth, height);
        var name = continued ? $"{site.SiteName} (continued)" : site.SiteName;
        flow.Text(name, s.Heading, s.Accent, PageFlow.Left + 6, flow.Y + 4, PageFlow.ContentWidth - 170);
        flow.Text($"Invoice {site.InvoiceNumber}", s.BodyBold, s.Text, PageFlow.Left, flow.Y + 5,
            PageFlow.ContentWidth - 6, alignRight: true);
        if (addressLine.Length > 0)
            flow.Text(addressLine, s.Small, s.Muted, PageFlow.Left + 6, flow.Y + 18, PageFlow.ContentWidth - 12);
        flow.Y += height;
    }

    private const double SiteSubtotalHeight = 22;

    /// <summary>
    /// The lines table; on each new page the header is repeated, after <paramref name="beforeHeaderOnNewPage"/>. The
    /// last row starts a new page unless <paramref name="keepLastRowWith"/> (what follows the table: a subtotal, the
    /// totals) fits after it, so what follows never stands alone at the top of a page.
    /// </summary>
    private static void DrawLinesTable(
        PageFlow flow, IReadOnlyList<InvoiceLineRow> lines, Action? beforeHeaderOnNewPage, double keepLastRowWith)
    {
        flow.EnsureSpace(18 + 22);
        flow.TableHeader(LineColumns);
        void Continue()
        {
            beforeHeaderOnNewPage?.Invoke();
            flow.TableHeader(LineColumns);
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            flow.TableRow(LineColumns,
                [
                    line.Description, line.Quantity.ToString("#,##0.####", UsCulture), Format(line.UnitPriceCents),
                    Format(line.AmountCents),
                ],
                Continue, keepWithNext: i == lines.Count - 1 ? keepLastRowWith : 0);
        }
    }

    private static void DrawTotals(
        PageFlow flow, long subtotal, long tax, long total, long paid, long pending, long balance, string subtotalLabel)
    {
        var s = flow.Style;
        var rows = new List<(string Label, long Cents)>
        {
            (subtotalLabel, subtotal),
            ("Tax", tax),
            ("Total", total),
            ("Amount paid", paid),
        };
        if (pending != 0) rows.Add(("Payments pending", pending));

        const double labelWidth = 150;
        const double valueWidth = 95;
        var labelX = PageFlow.Right - valueWidth - labelWidth;
        // The totals stay together: a reader should never find "Balance due" alone on a page.
        flow.EnsureSpace(TotalsHeight(pending));
        flow.Y += 10;
        foreach (var (label, cents) in rows)
        {
            var font = label == "Total" ? s.BodyBold : s.Body;
            flow.Text(label, font, s.Text, labelX, flow.Y, labelWidth);
            flow.Text(Format(cents), font, s.Text, PageFlow.Right - valueWidth, flow.Y,
                valueWidth - PageFlow.CellPadding, alignRight: true);
            flow.Y += TotalsRowHeight;
        }
        flow.Y += 3;
        flow.Graphics.DrawLine(s.StrongRule, labelX, flow.Y, PageFlow.Right, flow.Y);
        flow.Y += 6;
        flow.Text("Balance due", s.Emphasis, s.Accent, labelX, flow.Y, labelWidth);
        flow.Text(Format(balance), s.Emphasis, s.Accent, PageFlow.Right - valueWidth, flow.Y,
            valueWidth - PageFlow.CellPadding, alignRight: true);
        flow.Y += 20;
    }

    private const double TotalsRowHeight = 14;

    /// <summary>The height of the totals block (five rows, six with payments pending, and the balance due).</summary>
    private static double TotalsHeight(long pending) => 10 + (pending != 0 ? 5 : 4) * TotalsRowHeight + 30;

    private static void DrawHowToPay(PageFlow flow, string howToPay)
    {
        if (string.IsNullOrWhiteSpace(howToPay)) return;
        var s = flow.Style;
        var lines = flow.Wrap(howToPay.Trim(), s.Body, PageFlow.ContentWidth);
        flow.EnsureSpace(18 + Math.Min(lines.Count, 3) * 12);
        flow.Graphics.DrawLine(s.Rule, PageFlow.Left, flow.Y, PageFlow.Right, flow.Y);
        flow.Y += 8;
        flow.Text("How to pay", s.Heading, s.Accent, PageFlow.Left, flow.Y, PageFlow.ContentWidth);
        flow.Y += 16;
        foreach (var line in lines)
        {
            flow.EnsureSpace(12);
            flow.Text(line, s.Body, s.Text, PageFlow.Left, flow.Y, PageFlow.ContentWidth);
            flow.Y += 12;
        }
    }

    private static List<string> BillToLines(BillToBlock billTo)
    {
        var lines = new List<string>(billTo.AddressLines.Count + 1) { $"Account {billTo.AccountNumber}" };
        lines.AddRange(billTo.AddressLines);
        return lines;
    }

    private static string Format(long cents) => Money.FromCents(cents).Format();

    private static string FormatDate(DateOnly date) => date.ToString("MMM d, yyyy", UsCulture);

    private static string FileName(string kind, string number)
    {
        if (string.IsNullOrWhiteSpace(number))
            throw new ArgumentException("A document number is required.", nameof(number));
        var safe = new string(number.Trim()
            .Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')
            .ToArray());
        return $"{kind}-{safe}.pdf";
    }
}
