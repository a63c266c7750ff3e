using System.Globalization;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;

namespace CustomerPortal.Domain.Allocation;

/// <summary>One invoice in a custom-amount split: what it receives and what is left on it afterwards.</summary>
public sealed record AllocationLine(long InvoiceId, string InvoiceNumber, long AmountCents, long BalanceBeforeCents, long RemainingCents)
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
/// multi-site children alike: each gets min(remaining, balance), so only the last one may be paid in part. Invoices with
/// nothing left to pay ("Payment pending") are skipped.
/// </summary>
public static class PaymentAllocator
{
    /// <exception cref="DomainException">
    /// The amount is zero or negative, more than the balance ("The most you can pay is $X."), or would touch more invoices
    /// than one payment can cover.
    /// </exception>
    public static AllocationPlan Allocate(long amountCents, IEnumerable<OpenInvoice> openInvoices)
    {
        ArgumentNullException.ThrowIfNull(openInvoices);
        if (amountCents <= 0) throw new DomainException("Enter an amount more than zero.");

        var payable = openInvoices.Where(i => i.HasBalance).Order(OldestFirst.Instance).ToList();
        if (payable.Select(i => i.Id).Distinct().Count() != payable.Count)
            throw new ArgumentException("An invoice was passed twice.", nameof(openInvoices));

        var balance = payable.Sum(i => i.BalanceCents);
        if (balance == 0) throw new DomainException("There is no open balance to pay.");
        if (amountCents > balance) throw new DomainException($"The most you can pay is {Money.FromCents(balance).Format()}.");

        var lines = new List<AllocationLine>();
        var remaining = amountCents;
        foreach (var invoice in payable)
        {
            if (remaining == 0) break;
            var applied = Math.Min(remaining, invoice.BalanceCents);
            lines.Add(new AllocationLine(invoice.Id, invoice.Number, applied, invoice.BalanceCents, invoice.BalanceCents - applied));
            remaining -= applied;
        }

        const int max = InvoiceSelection.MaxInvoicesPerPayment;
        if (lines.Count > max)
        {
            // Same cap as selecting invoices; tell the customer the largest amount that fits in one payment.
            var mostInOnePayment = payable.Take(max).Sum(i => i.BalanceCents);
            throw new DomainException(
                $"One payment can cover at most {max} invoices; this amount would be applied to {lines.Count.ToString("N0", CultureInfo.InvariantCulture)}. " +
                $"The most you can pay in one payment is {Money.FromCents(mostInOnePayment).Format()}.");
        }

        return new AllocationPlan(lines);
    }
}
