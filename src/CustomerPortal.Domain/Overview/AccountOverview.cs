using CustomerPortal.Domain.Companies;
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
    /// Builds the overview from the customer's open invoices. <paramref name="amountSelectedCents"/> and
    /// <paramref name="invoicesToPay"/> come from <c>InvoiceSelection.Totals</c> or from an <c>AllocationPlan</c>.
    /// </summary>
    public static AccountOverview Calculate(IEnumerable<OpenInvoice> openInvoices, DateOnly today, long amountSelectedCents = 0, int invoicesToPay = 0)
    {
        ArgumentNullException.ThrowIfNull(openInvoices);
        ArgumentOutOfRangeException.ThrowIfNegative(amountSelectedCents);
        ArgumentOutOfRangeException.ThrowIfNegative(invoicesToPay);
        long overdue = 0, balance = 0, pending = 0;
        foreach (var invoice in openInvoices)
        {
            if (invoice.HasBalance)
            {
                balance = checked(balance + invoice.BalanceCents);
                if (invoice.IsOverdueOn(today)) overdue = checked(overdue + invoice.BalanceCents);
            }
            pending = checked(pending + invoice.PendingCents);
        }
        return new AccountOverview(overdue, balance, pending, amountSelectedCents, invoicesToPay);
    }
}

/// <summary>
/// Builds <see cref="AccountOverview"/> with "today" taken from an injected clock in the company's time zone, so
/// an invoice due yesterday becomes overdue at the company's midnight, not the server's.
/// </summary>
public sealed class AccountOverviewCalculator(TimeProvider clock)
{
    /// <summary>Today's date in the company's time zone (the date that decides what is overdue).</summary>
    public DateOnly TodayIn(string companyTimeZoneId) => Company.TodayIn(companyTimeZoneId, clock);

    public AccountOverview Calculate(string companyTimeZoneId, IEnumerable<OpenInvoice> openInvoices, long amountSelectedCents = 0, int invoicesToPay = 0) =>
        AccountOverview.Calculate(openInvoices, TodayIn(companyTimeZoneId), amountSelectedCents, invoicesToPay);
}
