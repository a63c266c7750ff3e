namespace CustomerPortal.Domain.Invoices;

/// <summary>
/// What the Make a Payment rules need to know about one open invoice of the signed-in customer. A query fills it from
/// SQL; it is not an EF entity. <see cref="BalanceCents"/> is total − paid − pending, so an invoice whose balance is
/// zero only because of unsettled payments ("Payment pending") is still open but has nothing left to pay.
/// </summary>
public sealed record OpenInvoice(
    long Id,
    long? MultiSiteInvoiceId,
    string Number,
    DateOnly InvoiceDate,
    DateOnly DueDate,
    long BalanceCents,
    long PendingCents) : IOldestFirstKeys
{
    /// <summary>A child of a multi-site invoice (as opposed to a single-site invoice).</summary>
    public bool IsChild => MultiSiteInvoiceId is not null;

    /// <summary>
    /// False for a "Payment pending" invoice: it cannot be paid twice (<see cref="OpenInvoiceRule.IsPayable"/>).
    /// </summary>
    public bool HasBalance => BalanceCents > 0;
}

/// <summary>
/// A multi-site ("parent") invoice as the selection rules see it; its children are <see cref="OpenInvoice"/>s.
/// </summary>
public sealed record OpenMultiSiteInvoice(long Id, string Number, DateOnly InvoiceDate, DateOnly DueDate)
    : IOldestFirstKeys;
