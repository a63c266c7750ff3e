using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Allocation;

/// <summary>
/// "Oldest first": invoice date, then due date, then invoice number (ordinal, so the order is the same on every
/// machine and in SQL with a binary collation), then id so that two invoices never tie. A custom amount is applied
/// in this order, and "Select all" takes the oldest invoices (and parents) by it.
/// </summary>
public sealed class OldestFirst : IComparer<OpenInvoice>, IComparer<OpenMultiSiteInvoice>
{
    public static OldestFirst Instance { get; } = new();

    private OldestFirst() { }

    public int Compare(OpenInvoice? x, OpenInvoice? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Compare(x.InvoiceDate, x.DueDate, x.Number, x.Id, y.InvoiceDate, y.DueDate, y.Number, y.Id);
    }

    public int Compare(OpenMultiSiteInvoice? x, OpenMultiSiteInvoice? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return Compare(x.InvoiceDate, x.DueDate, x.Number, x.Id, y.InvoiceDate, y.DueDate, y.Number, y.Id);
    }

    private static int Compare(DateOnly xDate, DateOnly xDue, string xNumber, long xId, DateOnly yDate, DateOnly yDue, string yNumber, long yId)
    {
        var c = xDate.CompareTo(yDate);
        if (c != 0) return c;
        c = xDue.CompareTo(yDue);
        if (c != 0) return c;
        c = string.CompareOrdinal(xNumber, yNumber);
        return c != 0 ? c : xId.CompareTo(yId);
    }
}
