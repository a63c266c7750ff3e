namespace CustomerPortal.Domain.Invoices;

/// <summary>
/// An invoice the back office issued. Money is in whole cents. <see cref="BalanceCents"/> is stored (not computed in
/// SQL) so totals and paging can use a covering index; every change goes through the methods here, which keep
/// <c>0 ≤ paid + pending ≤ total</c> and <c>balance = total − paid − pending</c>.
/// </summary>
public sealed class Invoice : IOldestFirstKeys
{
    private readonly List<InvoiceLine> _lines = [];

    private Invoice() { }

    public Invoice(long customerId, long? siteId, string externalId, string number, DateOnly invoiceDate,
        DateOnly dueDate, long taxCents, IEnumerable<InvoiceLine> lines)
    {
        if (string.IsNullOrWhiteSpace(number)) throw new DomainException("An invoice needs a number.");
        CustomerId = customerId;
        SiteId = siteId;
        ExternalId = externalId;
        Number = number.Trim();
        Revise(invoiceDate, dueDate, taxCents, lines);
    }

    public long Id { get; private set; }
    public long CustomerId { get; private set; }
    public long? SiteId { get; private set; }
    /// <summary>The multi-site invoice this one is a child of, if any (at most one).</summary>
    public long? MultiSiteInvoiceId { get; private set; }
    public string ExternalId { get; private set; } = "";
    public string Number { get; private set; } = "";
    public DateOnly InvoiceDate { get; private set; }
    public DateOnly DueDate { get; private set; }
    public long SubtotalCents { get; private set; }
    public long TaxCents { get; private set; }
    public long TotalCents { get; private set; }
    public long PaidCents { get; private set; }
    public long PendingCents { get; private set; }
    public long BalanceCents { get; private set; }
    public bool IsVoid { get; private set; }
    /// <summary>Optimistic concurrency token, incremented by every change (works on SQLite and SQL Server).</summary>
    public int Version { get; private set; }
    public IReadOnlyList<InvoiceLine> Lines => _lines;

    /// <summary>
    /// "Balance": what is left to pay, total − paid − pending, so an amount already on its way (pending) is not offered
    /// again. The stored <see cref="BalanceCents"/>, the status and the back-office checks all take it from here.
    /// </summary>
    public static long BalanceOf(long totalCents, long paidCents, long pendingCents) =>
        totalCents - paidCents - pendingCents;

    /// <summary>Replaces dates, tax and lines (back-office upsert). Refused once money has been applied.</summary>
    public void Revise(DateOnly invoiceDate, DateOnly dueDate, long taxCents, IEnumerable<InvoiceLine> lines)
    {
        var list = lines.ToList();
        if (dueDate < invoiceDate) throw new DomainException("The due date cannot be before the invoice date.");
        if (taxCents < 0) throw new DomainException("Tax cannot be negative.");
        if (list.Count == 0) throw new DomainException("An invoice needs at least one line.");
        var subtotal = list.Sum(l => l.AmountCents);
        var total = checked(subtotal + taxCents);
        if (total <= 0) throw new DomainException("An invoice total must be more than zero.");
        if (PaidCents + PendingCents > total)
            throw new DomainException("The new total is less than what has already been paid on this invoice.");
        if (MultiSiteInvoiceId is not null && dueDate != DueDate)
            throw new DomainException("A child of a multi-site invoice keeps the due date of its multi-site invoice.");
        InvoiceDate = invoiceDate;
        DueDate = dueDate;
        TaxCents = taxCents;
        SubtotalCents = subtotal;
        TotalCents = total;
        _lines.Clear();
        for (var i = 0; i < list.Count; i++) _lines.Add(list[i].WithLineNumber(i + 1));
        Touch();
    }

    /// <summary>Write-ahead: moves an amount from the balance into pending before the processor is called.</summary>
    public void ReservePending(long cents)
    {
        if (cents <= 0) throw new DomainException("A payment on an invoice must be more than zero.");
        if (IsVoid) throw new DomainException($"Invoice {Number} is void.");
        if (cents > BalanceCents)
            throw new DomainException($"Invoice {Number} has only {Money.FromCents(BalanceCents)} left to pay.");
        PendingCents += cents;
        Touch();
    }

    /// <summary>A payment succeeded: its pending amount becomes paid.</summary>
    public void SettlePending(long cents)
    {
        if (cents <= 0 || cents > PendingCents)
            throw new DomainException($"Invoice {Number} has no such pending amount.");
        PendingCents -= cents;
        PaidCents += cents;
        Touch();
    }

    /// <summary>A payment failed or was returned: its pending amount goes back to the balance, exactly.</summary>
    public void ReleasePending(long cents)
    {
        if (cents <= 0 || cents > PendingCents)
            throw new DomainException($"Invoice {Number} has no such pending amount.");
        PendingCents -= cents;
        Touch();
    }

    /// <summary>
    /// A settled payment was reversed (refund, ACH return after success): paid goes back to the balance.
    /// </summary>
    public void ReversePaid(long cents)
    {
        if (cents <= 0 || cents > PaidCents) throw new DomainException($"Invoice {Number} has no such paid amount.");
        PaidCents -= cents;
        Touch();
    }

    public void Void()
    {
        if (IsVoid) return;
        if (PaidCents > 0 || PendingCents > 0)
            throw new DomainException($"Invoice {Number} has payments applied and cannot be voided.");
        IsVoid = true;
        Touch();
    }

    internal void AttachTo(long multiSiteInvoiceId) { MultiSiteInvoiceId = multiSiteInvoiceId; Touch(); }

    internal void Detach() { MultiSiteInvoiceId = null; Touch(); }

    private void Touch()
    {
        BalanceCents = BalanceOf(TotalCents, PaidCents, PendingCents);
        Version++;
    }
}

/// <summary>One line of an invoice. Quantity may be fractional (hours, tons); money is whole cents.</summary>
public sealed class InvoiceLine
{
    private InvoiceLine() { }

    public InvoiceLine(string description, decimal quantity, long unitPriceCents, long amountCents)
    {
        if (string.IsNullOrWhiteSpace(description))
            throw new DomainException("Every invoice line needs a description.");
        if (quantity <= 0) throw new DomainException("A line's quantity must be more than zero.");
        Description = description.Trim();
        Quantity = quantity;
        UnitPriceCents = unitPriceCents;
        AmountCents = amountCents;
    }

    public long Id { get; private set; }
    public long InvoiceId { get; private set; }
    public int LineNumber { get; private set; }
    public string Description { get; private set; } = "";
    public decimal Quantity { get; private set; }
    public long UnitPriceCents { get; private set; }
    public long AmountCents { get; private set; }

    internal InvoiceLine WithLineNumber(int number) { LineNumber = number; return this; }
}
