using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Documents;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Documents;

/// <summary>A rendered document ready to send.</summary>
public sealed record PdfFile(byte[] Content, string FileName);

/// <summary>
/// Builds invoice, multi-site invoice and receipt PDFs for the customer of the request. Every lookup is scoped to
/// that customer, so another customer's id simply is not found (404). Paid and void invoices stay downloadable.
/// </summary>
public sealed class InvoiceDocumentService(AppDbContext db, InvoicePdfRenderer renderer, TimeProvider clock)
{
    /// <summary>How to pay, as the invoice PDF says it: online only where the customer's company takes payments
    /// online (<see cref="CustomerAccess.CanPayOnline"/>, the Pro plan).</summary>
    public static string HowToPay(CustomerAccess access) => access.CanPayOnline
        ? "Pay online in the customer portal (Make a Payment) by card or bank account (ACH), or mail a check " +
          "with the invoice number to the address above."
        : $"Mail a check with the invoice number to the address above, or contact {access.CompanyName} " +
          "for other ways to pay.";

    public async Task<PdfFile?> InvoiceAsync(CustomerAccess access, long invoiceId, CancellationToken ct)
    {
        var invoice = await db.Invoices.AsNoTracking()
            .Where(i => i.Id == invoiceId && i.CustomerId == access.CustomerId)
            .Select(i => new
            {
                i.Number, i.InvoiceDate, i.DueDate, i.SiteId, i.SubtotalCents, i.TaxCents, i.TotalCents, i.PaidCents,
                i.PendingCents, i.BalanceCents,
                Lines = i.Lines
                    .OrderBy(l => l.LineNumber)
                    .Select(l => new InvoiceLineRow(l.Description, l.Quantity, l.UnitPriceCents, l.AmountCents))
                    .ToList(),
            })
            .FirstOrDefaultAsync(ct);
        if (invoice is null) return null;

        var (company, billTo) = await BlocksAsync(access, ct);
        var site = invoice.SiteId is { } siteId
            ? await db.Sites.AsNoTracking()
                .Where(s => s.Id == siteId)
                .Select(s => new { s.Name, s.Address })
                .FirstOrDefaultAsync(ct)
            : null;
        var model = new InvoiceDocumentModel(company, billTo, invoice.Number, invoice.InvoiceDate, invoice.DueDate,
            site?.Name, site?.Address.Lines().ToList() ?? [], invoice.Lines, invoice.SubtotalCents, invoice.TaxCents,
            invoice.TotalCents, invoice.PaidCents, invoice.PendingCents, invoice.BalanceCents, HowToPay(access));
        return new PdfFile(renderer.RenderInvoice(model), InvoicePdfRenderer.InvoiceFileName(invoice.Number));
    }

    public async Task<PdfFile?> MultiSiteInvoiceAsync(
        CustomerAccess access, long multiSiteInvoiceId, CancellationToken ct)
    {
        var parent = await db.MultiSiteInvoices.AsNoTracking()
            .Where(m => m.Id == multiSiteInvoiceId && m.CustomerId == access.CustomerId)
            .Select(m => new { m.Number, m.InvoiceDate, m.DueDate })
            .FirstOrDefaultAsync(ct);
        if (parent is null) return null;

        var children = await (from i in db.Invoices.AsNoTracking()
                              where i.MultiSiteInvoiceId == multiSiteInvoiceId
                                  && i.CustomerId == access.CustomerId
                                  && !i.IsVoid
                              join s in db.Sites.AsNoTracking() on i.SiteId equals s.Id into sites
                              from s in sites.DefaultIfEmpty()
                              orderby s.Name, i.Number
                              select new
                              {
                                  SiteName = s == null ? "(no site)" : s.Name,
                                  SiteAddress = s == null ? null : s.Address,
                                  i.Number, i.SubtotalCents, i.TaxCents, i.TotalCents, i.PaidCents, i.PendingCents,
                                  i.BalanceCents,
                                  Lines = i.Lines
                                      .OrderBy(l => l.LineNumber)
                                      .Select(l => new InvoiceLineRow(
                                          l.Description, l.Quantity, l.UnitPriceCents, l.AmountCents))
                                      .ToList(),
                              }).ToListAsync(ct);

        var (company, billTo) = await BlocksAsync(access, ct);
        var sections = children
            .Select(c => new SiteInvoiceSection(
                c.SiteName, c.SiteAddress?.Lines().ToList() ?? [], c.Number, c.Lines, c.SubtotalCents))
            .ToList();
        var model = new MultiSiteInvoiceDocumentModel(
            company, billTo, parent.Number, parent.InvoiceDate, parent.DueDate, sections,
            children.Sum(c => c.SubtotalCents), children.Sum(c => c.TaxCents), children.Sum(c => c.TotalCents),
            children.Sum(c => c.PaidCents), children.Sum(c => c.PendingCents), children.Sum(c => c.BalanceCents),
            HowToPay(access));
        return new PdfFile(renderer.RenderMultiSiteInvoice(model), InvoicePdfRenderer.InvoiceFileName(parent.Number));
    }

    public async Task<PdfFile?> ReceiptAsync(CustomerAccess access, long paymentId, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking()
            .Where(p => p.Id == paymentId && p.CustomerId == access.CustomerId)
            .Select(p => new { p.ReceiptNumber, p.CreatedAt, p.MethodSummary, p.AmountCents, p.Status, p.FailureCode })
            .FirstOrDefaultAsync(ct);
        if (payment is null) return null;

        var allocations = await (from a in db.PaymentAllocations.AsNoTracking()
                                 join i in db.Invoices.AsNoTracking() on a.InvoiceId equals i.Id
                                 where a.PaymentId == paymentId
                                 orderby i.InvoiceDate, i.Number
                                 select new ReceiptAllocationRow(i.Number, a.AmountCents, i.BalanceCents))
            .ToListAsync(ct);
        var (company, billTo) = await BlocksAsync(access, ct);
        var date = DateOnly.FromDateTime(access.ToCompanyTime(payment.CreatedAt).DateTime);
        var model = new ReceiptDocumentModel(company, billTo, payment.ReceiptNumber, date, payment.MethodSummary,
            payment.AmountCents, Payments.PaymentStatusText.Label(payment.Status, payment.FailureCode), allocations,
            payment.Status == Domain.Payments.PaymentStatus.Returned
                ? Payments.PaymentStatusText.ReturnedBalances
                : null);
        _ = clock;
        return new PdfFile(renderer.RenderReceipt(model), InvoicePdfRenderer.ReceiptFileName(payment.ReceiptNumber));
    }

    private async Task<(CompanyBlock Company, BillToBlock BillTo)> BlocksAsync(
        CustomerAccess access, CancellationToken ct)
    {
        var row = await (from c in db.Customers.AsNoTracking()
                         join co in db.Companies.AsNoTracking() on c.CompanyId equals co.Id
                         where c.Id == access.CustomerId
                         select new
                         {
                             CompanyName = co.Name, CompanyAddress = co.Address, c.Name, c.AccountNumber,
                             c.BillingAddress,
                         })
            .SingleAsync(ct);
        return (new CompanyBlock(row.CompanyName, row.CompanyAddress.Lines().ToList()),
                new BillToBlock(row.Name, row.AccountNumber, row.BillingAddress.Lines().ToList()));
    }
}
