namespace CustomerPortal.Domain.Invoices;

/// <summary>
/// A consolidated ("parent") invoice grouping child invoices of one customer that share one due date, one per site.
/// The children are what gets paid; the parent is the document. Its balance is the sum of its children's.
/// </summary>
public sealed class MultiSiteInvoice
{
    private MultiSiteInvoice() { }

    public MultiSiteInvoice(long customerId, string externalId, string number, DateOnly invoiceDate, DateOnly dueDate)
    {
        if (string.IsNullOrWhiteSpace(number)) throw new DomainException("A multi-site invoice needs a number.");
        if (dueDate < invoiceDate) throw new DomainException("The due date cannot be before the invoice date.");
        CustomerId = customerId;
        ExternalId = externalId;
        Number = number.Trim();
        InvoiceDate = invoiceDate;
        DueDate = dueDate;
    }

    public long Id { get; private set; }
    public long CustomerId { get; private set; }
    public string ExternalId { get; private set; } = "";
    public string Number { get; private set; } = "";
    public DateOnly InvoiceDate { get; private set; }
    public DateOnly DueDate { get; private set; }
    public bool IsVoid { get; private set; }

    /// <summary>Makes <paramref name="child"/> one of this invoice's children, enforcing the grouping rules.</summary>
    public void Adopt(Invoice child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (Id == 0) throw new InvalidOperationException("Save the multi-site invoice before adding children.");
        if (child.MultiSiteInvoiceId == Id) return;
        if (child.CustomerId != CustomerId)
            throw new DomainException(
                $"Invoice {child.Number} belongs to another customer than multi-site invoice {Number}.");
        if (child.DueDate != DueDate)
            throw new DomainException(
                $"Invoice {child.Number} is due {child.DueDate:yyyy-MM-dd}, "
                + $"but multi-site invoice {Number} is due {DueDate:yyyy-MM-dd}.");
        if (child.MultiSiteInvoiceId is not null)
            throw new DomainException($"Invoice {child.Number} already belongs to another multi-site invoice.");
        if (child.IsVoid) throw new DomainException($"Invoice {child.Number} is void.");
        child.AttachTo(Id);
    }

    public void Release(Invoice child)
    {
        if (child.MultiSiteInvoiceId == Id) child.Detach();
    }

    public void Void() => IsVoid = true;
}
