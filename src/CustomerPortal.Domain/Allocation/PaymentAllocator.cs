using System.Globalization;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;

namespace CustomerPortal.Domain.Allocation;

/// <summary>One invoice in a custom-amount split: what it receives and what is left on it afterwards.</summary>
public sealed record AllocationLine(
    long InvoiceId, string InvoiceNumber, long AmountCents, long BalanceBeforeCents, long RemainingCents)
{
    /// <summary>The invoice is paid in part (only the last line of a plan can be).</summary>
    public bool IsPartial => RemainingCents > 0;
}

/// <summary>How a custom amount splits over the customer's open invoices, oldest first.</summary>
public sealed record AllocationPlan(IReadOnlyList<AllocationLine> Lines)
{
    public long TotalCents { get; } = Lines.Sum(l => l.AmountCents);

    /// <summary>"Invoices to Pay" for a custom amount: how many invoices the allocation touches.</summary>
    public int InvoiceCount => Lines.Count;
}

/// <summary>
/// Applies a custom amount to open invoices oldest first (see <see cref="OldestFirst"/>), single-site invoices and
/// multi-site children alike: each gets min(remaining, balance), so only the last one may be paid in part. Invoices
/// with nothing left to pay ("Payment pending") are skipped.
/// </summary>
public static class PaymentAllocator
{
    /// <summary>
    /// The split of <paramref name="amountCents"/> over the customer's open invoices, given their whole balance and
    /// only the oldest payable ones: because one payment covers at most
    /// <see cref="InvoiceSelection.MaxInvoicesPerPayment"/> invoices, the oldest
    /// <see cref="InvoiceSelection.OldestWindow"/> (or all of them, when there are fewer) decide every possible answer.
    /// This keeps a preview over thousands of open invoices to one short query.
    /// </summary>
    /// <param name="oldestPayable">
    /// At least the <see cref="InvoiceSelection.OldestWindow"/> oldest invoices with a balance, or all of them.
    /// </param>
    /// <param name="balanceCents">The balance of all the customer's open invoices (the Balance figure).</param>
    /// <exception cref="DomainException">
    /// The amount is zero or negative, more than the balance ("The most you can pay is $X."), or would touch more
    /// invoices than one payment can cover.
    /// </exception>
    public static AllocationPlan AllocateOverOldest(long amountCents, IEnumerable<OpenInvoice> oldestPayable,
        long balanceCents)
    {
        ArgumentNullException.ThrowIfNull(oldestPayable);
        if (amountCents <= 0) throw new DomainException("Enter an amount more than zero.");

        var payable = oldestPayable.Where(i => i.HasBalance).OrderOldestFirst().ToList();
        if (payable.Select(i => i.Id).Distinct().Count() != payable.Count)
            throw new ArgumentException("An invoice was passed twice.", nameof(oldestPayable));
        if (payable.Sum(i => i.BalanceCents) > balanceCents)
            throw new ArgumentException("The invoices passed owe more than the balance given.", nameof(balanceCents));

        if (balanceCents <= 0) throw new DomainException("There is no open balance to pay.");
        if (amountCents > balanceCents)
            throw new DomainException($"The most you can pay is {Money.FromCents(balanceCents).Format()}.");

        var lines = new List<AllocationLine>();
        var remaining = amountCents;
        foreach (var invoice in payable)
        {
            if (remaining == 0) break;
            var applied = Math.Min(remaining, invoice.BalanceCents);
            lines.Add(new AllocationLine(
                invoice.Id, invoice.Number, applied, invoice.BalanceCents, invoice.BalanceCents - applied));
            remaining -= applied;
        }

        const int max = InvoiceSelection.MaxInvoicesPerPayment;
        if (lines.Count > max || (remaining > 0 && payable.Count > max))
        {
            // Same cap as selecting invoices; tell the customer the largest amount that fits in one payment.
            var mostInOnePayment = MostInOnePayment(payable);
            var touched = remaining > 0
                ? "more than " + max.ToString(CultureInfo.InvariantCulture)
                : lines.Count.ToString("N0", CultureInfo.InvariantCulture);
            throw new DomainException(
                $"One payment can cover at most {max} invoices; this amount would be applied to {touched}. " +
                $"The most you can pay in one payment is {Money.FromCents(mostInOnePayment).Format()}.");
        }
        if (remaining > 0)
            throw new ArgumentException(
                $"Pass at least the {max + 1} oldest payable invoices (or all of them).", nameof(oldestPayable));

        return new AllocationPlan(lines);
    }

    /// <summary>
    /// The largest amount one payment can take: the balances of the oldest
    /// <see cref="InvoiceSelection.MaxInvoicesPerPayment"/> invoices with a balance (all of them when there are fewer).
    /// </summary>
    /// <param name="oldestPayable">
    /// At least the <see cref="InvoiceSelection.MaxInvoicesPerPayment"/> oldest invoices with a balance, or all of
    /// them.
    /// </param>
    public static long MostInOnePayment(IEnumerable<OpenInvoice> oldestPayable)
    {
        ArgumentNullException.ThrowIfNull(oldestPayable);
        return oldestPayable.Where(i => i.HasBalance).OrderOldestFirst()
            .Take(InvoiceSelection.MaxInvoicesPerPayment).Sum(i => i.BalanceCents);
    }
}
