using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Overview;

/// <summary>The figures at the top of the Make a Payment page, all in cents.</summary>
/// <param name="OverdueBalanceCents">Balances of open invoices due before today (company time zone).</param>
/// <param name="BalanceCents">Balances of all open invoices (unsettled payments already taken off).</param>
/// <param name="PendingPaymentsCents">Unsettled payments, shown beside the balance.</param>
/// <param name="AmountSelectedCents">What the payment will charge under the current choice.</param>
/// <param name="InvoicesToPay">How many invoices that payment touches (children one by one).</param>
public sealed record AccountOverview(
    long OverdueBalanceCents,
    long BalanceCents,
    long PendingPaymentsCents,
    long AmountSelectedCents,
    int InvoicesToPay)
{
    /// <summary>
    /// The figures from the sums of the customer's open invoices (<see cref="OpenInvoiceRule.IsOpen"/>), as the read
    /// model keeps them: Balance and Pending over all of them, and the balance of those not yet due on the company's
    /// today (<see cref="OverdueRule.NotYetDue"/>). Overdue is the rest of the Balance: an open invoice with a balance
    /// is either overdue or not yet due, and one with none adds nothing to either. The amount selected and the invoices
    /// to pay come from <c>InvoiceSelection.Totals</c> or from an <c>AllocationPlan</c>.
    /// </summary>
    public static AccountOverview Of(
        long balanceCents, long pendingCents, long notYetDueCents, long amountSelectedCents, int invoicesToPay) =>
        new(balanceCents - notYetDueCents, balanceCents, pendingCents, amountSelectedCents, invoicesToPay);
}
