using CustomerPortal.Domain;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>One invoice in what a payment will charge: what it receives and what is left on it afterwards.</summary>
public sealed record PlanLine(long InvoiceId, string InvoiceNumber, long AmountCents, long BalanceBeforeCents,
    long RemainingCents);

/// <summary>What the current draft will charge, split by invoice, or why it cannot be paid.</summary>
public sealed record PaymentPlan(PaymentChoice Choice, IReadOnlyList<PlanLine> Lines, string? Problem)
{
    public long TotalCents { get; } = Lines.Sum(l => l.AmountCents);
    public int InvoiceCount => Lines.Count;
    public bool IsPayable => Problem is null && Lines.Count > 0;

    public static PaymentPlan Refused(PaymentChoice choice, string problem) => new(choice, [], problem);
}

/// <summary>
/// What to plan: a custom amount (oldest first) or named invoices (each its whole balance). The portal's draft says it
/// with a choice; the back office names invoices of either kind (<see cref="EitherKind"/>: single-site invoices and
/// multi-site children together).
/// </summary>
public sealed record PlanRequest(long CustomerId, PaymentChoice Choice, long? CustomAmountCents,
    IReadOnlyList<long> InvoiceIds, bool EitherKind = false)
{
    public static PlanRequest Of(PaymentDraft draft) =>
        new(draft.CustomerId, draft.Choice, draft.CustomAmountCents, draft.Items.Select(i => i.InvoiceId).ToList());

    public static PlanRequest Amount(long customerId, long cents) =>
        new(customerId, PaymentChoice.CustomAmount, cents, []);

    public static PlanRequest Invoices(long customerId, IReadOnlyList<long> invoiceIds) =>
        new(customerId, PaymentChoice.SingleSite, null, invoiceIds, EitherKind: true);
}

/// <summary>
/// Turns a draft into a payment plan with the domain rules: selected invoices pay their whole balance
/// (<see cref="InvoiceSelection"/>); a custom amount is split oldest first (<see cref="PaymentAllocator"/>). The
/// checkout page and the write-ahead transaction both use this, so what the Pay button names is what is reserved.
/// </summary>
public static class PaymentPlanner
{
    public const string NothingSelected =
        "Nothing is selected to pay. Choose invoices or an amount on Make a Payment first.";

    /// <param name="track">Load the invoices tracked (write-ahead) or not (the page).</param>
    public static Task<(PaymentPlan Plan, IReadOnlyDictionary<long, Invoice> Invoices)> PlanAsync(
        AppDbContext db, PaymentDraft draft, bool track, CancellationToken ct) =>
        PlanAsync(db, PlanRequest.Of(draft), track, ct);

    /// <summary>
    /// The same rules for any request: a draft (portal) or what the back office asked to charge (API).
    /// </summary>
    public static async Task<(PaymentPlan Plan, IReadOnlyDictionary<long, Invoice> Invoices)> PlanAsync(
        AppDbContext db, PlanRequest draft, bool track, CancellationToken ct)
    {
        var customerId = draft.CustomerId;
        var source = track ? db.Invoices.AsTracking() : db.Invoices.AsNoTracking();
        List<Invoice> invoices;
        if (draft.Choice == PaymentChoice.CustomAmount)
        {
            if (draft.CustomAmountCents is not { } amount)
                return (PaymentPlan.Refused(draft.Choice, NothingSelected), Empty);
            // One payment covers at most 200 invoices, so the oldest 201 payable invoices and the whole balance decide
            // the split (PaymentAllocator.AllocateOverOldest): no need to load thousands of invoices.
            var open = source.Where(i => i.CustomerId == customerId).WherePayable(isVoid: false);
            var balance = await open.SumAsync(i => (long?)i.BalanceCents, ct) ?? 0;
            invoices = await open.OrderOldestFirst().Take(InvoiceSelection.OldestWindow).ToListAsync(ct);
            try
            {
                var plan = PaymentAllocator.AllocateOverOldest(amount, invoices.Select(Snapshot), balance);
                var lines = plan.Lines.Select(l => new PlanLine(l.InvoiceId, l.InvoiceNumber, l.AmountCents,
                    l.BalanceBeforeCents, l.RemainingCents)).ToList();
                return (new PaymentPlan(draft.Choice, lines, null), invoices.ToDictionary(i => i.Id));
            }
            catch (DomainException ex)
            {
                return (PaymentPlan.Refused(draft.Choice, ex.Message), Empty);
            }
        }

        var ids = draft.InvoiceIds.ToList();
        if (ids.Count == 0) return (PaymentPlan.Refused(draft.Choice, NothingSelected), Empty);
        invoices = await (track ? PaymentPathQueries.OpenInvoicesTracked : PaymentPathQueries.OpenInvoicesUntracked)(
            db, customerId, false, ids).ToListAsync(ct);
        var parentIds = invoices.Where(i => i.MultiSiteInvoiceId != null).Select(i => i.MultiSiteInvoiceId!.Value)
            .Distinct().ToList();
        var parents = parentIds.Count == 0
            ? []
            : await PaymentPathQueries.Parents(db, customerId, parentIds).ToListAsync(ct);
        var snapshots = invoices.Select(Snapshot).ToList();
        var payable = draft.EitherKind
            // Named invoices of both kinds (the back office): each kind under its own rules, then together.
            ? new InvoiceSelection(PaymentChoice.SingleSite, snapshots, parents).Normalize(ids)
                .Union(new InvoiceSelection(PaymentChoice.MultiSite, snapshots, parents).Normalize(ids)).ToHashSet()
            : new InvoiceSelection(draft.Choice, snapshots, parents).Normalize(ids);
        if (payable.Count == 0) return (PaymentPlan.Refused(draft.Choice, NothingSelected), Empty);
        if (payable.Count > InvoiceSelection.MaxInvoicesPerPayment)
            return (PaymentPlan.Refused(draft.Choice,
                $"One payment can cover at most {InvoiceSelection.MaxInvoicesPerPayment} invoices; "
                + $"{payable.Count} are selected."), Empty);
        var chosen = snapshots.Where(s => payable.Contains(s.Id)).OrderOldestFirst()
            .Select(s => new PlanLine(s.Id, s.Number, s.BalanceCents, s.BalanceCents, 0)).ToList();
        return (new PaymentPlan(draft.Choice, chosen, null), invoices.ToDictionary(i => i.Id));
    }

    private static readonly IReadOnlyDictionary<long, Invoice> Empty = new Dictionary<long, Invoice>();

    private static OpenInvoice Snapshot(Invoice i) =>
        new(i.Id, i.MultiSiteInvoiceId, i.Number, i.InvoiceDate, i.DueDate, i.BalanceCents, i.PendingCents);
}
