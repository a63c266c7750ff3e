namespace CustomerPortal.Infrastructure.Documents;

// What the PDF documents print, independent of EF: a feature service projects its query into these records.
// Money is whole cents (long), printed with Money.Format(); dates are the company's local calendar dates.

/// <summary>The company that issues the document (top-left block).</summary>
public sealed record CompanyBlock(string Name, IReadOnlyList<string> AddressLines);

/// <summary>Who the document is for.</summary>
public sealed record BillToBlock(string CustomerName, string AccountNumber, IReadOnlyList<string> AddressLines);

/// <summary>One row of an invoice's lines table. Quantity may be fractional (hours, tons).</summary>
public sealed record InvoiceLineRow(string Description, decimal Quantity, long UnitPriceCents, long AmountCents);

/// <summary>A single invoice, as its PDF shows it.</summary>
public sealed record InvoiceDocumentModel(
    CompanyBlock Company,
    BillToBlock BillTo,
    string InvoiceNumber,
    DateOnly InvoiceDate,
    DateOnly DueDate,
    string? SiteName,
    IReadOnlyList<string> SiteAddressLines,
    IReadOnlyList<InvoiceLineRow> Lines,
    long SubtotalCents,
    long TaxCents,
    long TotalCents,
    long PaidCents,
    long PendingCents,
    long BalanceCents,
    string HowToPay);

/// <summary>One child invoice of a multi-site invoice: the work done at one site.</summary>
public sealed record SiteInvoiceSection(
    string SiteName,
    IReadOnlyList<string> SiteAddressLines,
    string InvoiceNumber,
    IReadOnlyList<InvoiceLineRow> Lines,
    long SubtotalCents);

/// <summary>
/// A multi-site ("parent") invoice: one consolidated document listing each child by site, then grand totals.
/// </summary>
public sealed record MultiSiteInvoiceDocumentModel(
    CompanyBlock Company,
    BillToBlock BillTo,
    string InvoiceNumber,
    DateOnly InvoiceDate,
    DateOnly DueDate,
    IReadOnlyList<SiteInvoiceSection> Sites,
    long SubtotalCents,
    long TaxCents,
    long TotalCents,
    long PaidCents,
    long PendingCents,
    long BalanceCents,
    string HowToPay);

/// <summary>How much of a payment went to one invoice, and what that invoice still owes afterwards.</summary>
public sealed record ReceiptAllocationRow(string InvoiceNumber, long AppliedCents, long RemainingBalanceCents);

/// <summary>
/// A payment receipt. <see cref="MethodSummary"/> is already masked ("Visa •••• 4242"); never pass card or bank
/// numbers. <see cref="StatusNote"/> says what the status meant for the invoices (a returned payment: open again).
/// </summary>
public sealed record ReceiptDocumentModel(
    CompanyBlock Company,
    BillToBlock BillTo,
    string ReceiptNumber,
    DateOnly PaymentDate,
    string MethodSummary,
    long AmountCents,
    string Status,
    IReadOnlyList<ReceiptAllocationRow> Allocations,
    string? StatusNote = null);
