namespace CustomerPortal.Domain.Invoices;

/// <summary>What a customer is told about an invoice.</summary>
public enum InvoiceStatus
{
    Open,
    Overdue,
    PartiallyPaid,
    PaymentPending,
    Paid,
    Void,
}

public static class InvoiceStatusRules
{
    /// <summary>
    /// Overdue wins over partly paid (it is what the customer must act on); "Payment pending" means the balance is
    /// zero only because of payments that have not settled.
    /// </summary>
    public static InvoiceStatus Of(
        long totalCents, long paidCents, long pendingCents, DateOnly dueDate, bool isVoid, DateOnly today)
    {
        if (isVoid) return InvoiceStatus.Void;
        var balance = Invoice.BalanceOf(totalCents, paidCents, pendingCents);
        if (balance <= 0) return pendingCents > 0 ? InvoiceStatus.PaymentPending : InvoiceStatus.Paid;
        if (OverdueRule.IsOverdue(balance, dueDate, today)) return InvoiceStatus.Overdue;
        return paidCents > 0 || pendingCents > 0 ? InvoiceStatus.PartiallyPaid : InvoiceStatus.Open;
    }

    public static string Label(this InvoiceStatus status) => status switch
    {
        InvoiceStatus.Open => "Open",
        InvoiceStatus.Overdue => "Overdue",
        InvoiceStatus.PartiallyPaid => "Partially paid",
        InvoiceStatus.PaymentPending => "Payment pending",
        InvoiceStatus.Paid => "Paid",
        InvoiceStatus.Void => "Void",
        _ => status.ToString(),
    };
}
