using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>
/// The four invariants of payments.md (and the stored per-customer invoice totals), checked on a whole database
/// (tests after every money test, the benchmark after its run). Money recorded on invoices outside portal payments
/// (the back office's checks, the demo seed) is the <c>offlinePaid</c> baseline taken before the payments started.
/// </summary>
public static class PaymentInvariants
{
    public static async Task<Dictionary<long, long>> OfflinePaidAsync(AppDbContext db,
        CancellationToken ct = default) =>
        await db.Invoices.AsNoTracking().Where(i => i.PaidCents > 0).ToDictionaryAsync(i => i.Id, i => i.PaidCents, ct);

    /// <param name="charges">
    /// The processor's charges (sandbox) to check "one charge, one payment"; null to skip that check.
    /// </param>
    /// <param name="settled">
    /// Also require every payment and charge to have reached a final state that agrees with the other.
    /// </param>
    public static async Task<IReadOnlyList<string>> CheckAsync(AppDbContext db,
        IReadOnlyDictionary<long, long> offlinePaid, IReadOnlyList<SandboxCharge>? charges = null, bool settled = false,
        CancellationToken ct = default)
    {
        var problems = new List<string>();
        var invoices = await db.Invoices.AsNoTracking()
            .Select(i => new
            {
                i.Id, i.CustomerId, i.Number, i.TotalCents, i.PaidCents, i.PendingCents, i.BalanceCents,
            }).ToListAsync(ct);
        var payments = await db.Payments.AsNoTracking()
            .Select(p => new
            {
                p.Id, p.CustomerId, p.AmountCents, p.Status, p.IdempotencyKey, p.ProcessorPaymentId, p.FailureCode,
                p.MethodKind,
            }).ToListAsync(ct);
        var allocations = await db.PaymentAllocations.AsNoTracking()
            .Select(a => new { a.PaymentId, a.InvoiceId, a.AmountCents }).ToListAsync(ct);
        var byId = payments.ToDictionary(p => p.Id);

        // 1. for every invoice: 0 ≤ paid + pending ≤ total (and the stored balance agrees)
        foreach (var i in invoices)
        {
            if (i.PaidCents < 0 || i.PendingCents < 0 || i.PaidCents + i.PendingCents > i.TotalCents)
                problems.Add(
                    $"Invoice {i.Number}: paid {i.PaidCents} + pending {i.PendingCents} outside 0..{i.TotalCents}");
            if (i.BalanceCents != Invoice.BalanceOf(i.TotalCents, i.PaidCents, i.PendingCents))
                problems.Add($"Invoice {i.Number}: stored balance {i.BalanceCents} is wrong");
        }

        // 2. for every payment: sum of its allocations = its amount
        var allocSums = allocations.GroupBy(a => a.PaymentId).ToDictionary(g => g.Key, g => g.Sum(a => a.AmountCents));
        foreach (var p in payments)
            if (allocSums.GetValueOrDefault(p.Id) != p.AmountCents)
                problems.Add(
                    $"Payment {p.Id}: allocations {allocSums.GetValueOrDefault(p.Id)} ≠ amount {p.AmountCents}");

        // 3. succeeded payments = paid (per customer), and, more strictly, per invoice: paid and pending are exactly
        //    what the payments in each state put there.
        foreach (var g in invoices.GroupBy(i => i.CustomerId))
        {
            var paidByPortal = g.Sum(i => i.PaidCents - offlinePaid.GetValueOrDefault(i.Id));
            var succeeded = payments.Where(p => p.CustomerId == g.Key && p.Status == PaymentStatus.Succeeded)
                .Sum(p => p.AmountCents);
            if (paidByPortal != succeeded)
                problems.Add($"Customer {g.Key}: succeeded payments {succeeded} ≠ paid on invoices {paidByPortal}");
        }
        var expectedPaid = new Dictionary<long, long>();
        var expectedPending = new Dictionary<long, long>();
        foreach (var a in allocations)
        {
            var status = byId[a.PaymentId].Status;
            if (status == PaymentStatus.Succeeded)
                expectedPaid[a.InvoiceId] = expectedPaid.GetValueOrDefault(a.InvoiceId) + a.AmountCents;
            else if (status is PaymentStatus.Submitted or PaymentStatus.Processing or PaymentStatus.RequiresAction
                or PaymentStatus.Unknown)
                expectedPending[a.InvoiceId] = expectedPending.GetValueOrDefault(a.InvoiceId) + a.AmountCents;
        }
        foreach (var i in invoices)
        {
            if (i.PaidCents != offlinePaid.GetValueOrDefault(i.Id) + expectedPaid.GetValueOrDefault(i.Id))
                problems.Add($"Invoice {i.Number}: paid {i.PaidCents} ≠ offline {offlinePaid.GetValueOrDefault(i.Id)} "
                    + $"+ succeeded allocations {expectedPaid.GetValueOrDefault(i.Id)}");
            if (i.PendingCents != expectedPending.GetValueOrDefault(i.Id))
                problems.Add($"Invoice {i.Number}: pending {i.PendingCents} ≠ allocations of unsettled payments "
                    + $"{expectedPending.GetValueOrDefault(i.Id)}");
        }

        // 4. every processor charge maps to exactly one payment row; no payment row is charged twice
        if (charges is not null)
        {
            var byKey = payments.ToDictionary(p => p.IdempotencyKey);
            foreach (var dup in charges.GroupBy(c => c.IdempotencyKey).Where(g => g.Count() > 1))
                problems.Add($"Key {dup.Key} charged {dup.Count()} times");
            foreach (var dup in charges.Where(c => c.PortalPaymentId is not null).GroupBy(c => c.PortalPaymentId)
                .Where(g => g.Count() > 1))
                problems.Add($"Payment {dup.Key} charged {dup.Count()} times");
            foreach (var c in charges)
            {
                if (!byKey.TryGetValue(c.IdempotencyKey, out var p))
                {
                    problems.Add($"Charge {c.Id} has no payment row");
                    continue;
                }
                if (c.PortalPaymentId != p.Id)
                    problems.Add($"Charge {c.Id} names payment {c.PortalPaymentId}, its key belongs to {p.Id}");
                if (c.AmountCents != p.AmountCents)
                    problems.Add($"Charge {c.Id} of {c.AmountCents} for payment {p.Id} of {p.AmountCents}");
                if (p.ProcessorPaymentId is { } pid && pid != c.Id)
                    problems.Add($"Payment {p.Id} records {pid} but was charged as {c.Id}");
                if (p.FailureCode == PaymentReconciler.NotChargedCode)
                    problems.Add($"Payment {p.Id} was failed as never charged, but charge {c.Id} exists");
                if (settled)
                {
                    // A bank debit the processor reports failed after processing is, for the portal, a return.
                    var returned = p.MethodKind == PaymentMethodKind.BankAccount && p.Status == PaymentStatus.Returned;
                    var expected = c.Status switch
                    {
                        "succeeded" => PaymentStatus.Succeeded,
                        "failed" => returned ? PaymentStatus.Returned : PaymentStatus.Failed,
                        "processing" => PaymentStatus.Processing,
                        _ => PaymentStatus.RequiresAction,
                    };
                    if (p.Status != expected)
                        problems.Add($"Payment {p.Id} is {p.Status} but its charge {c.Id} is {c.Status}");
                }
            }
            if (settled)
                foreach (var p in payments.Where(p => p.Status is PaymentStatus.Submitted or PaymentStatus.Unknown))
                    problems.Add($"Payment {p.Id} is still {p.Status}");
        }

        // 5. every customer's stored open-invoice totals (kept by triggers) equal a fresh aggregate over the invoices
        var drifted = await db.Database.SqlQueryRaw<long>(InvoiceTotalsTriggers.DriftQuery).ToListAsync(ct);
        foreach (var customerId in drifted)
            problems.Add($"Customer {customerId}: stored invoice totals differ from the invoices");
        return problems;
    }
}
