using System.Globalization;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Selection;

/// <summary>
/// The rules for "Select Single-Site Invoices" and "Select Multi-Site Invoices". Built over the signed-in customer's
/// open invoices (single-site and children alike, so an id of the other kind can be told apart from an unknown one)
/// and their multi-site parents. Every action takes the current selection and returns a new one, or a refusal that
/// leaves it exactly as it was. Invoice ids and multi-site invoice ids are separate id spaces and never mixed.
/// </summary>
/// <remarks>
/// The current selection is first reduced to the invoices that can still be paid under this choice (an invoice paid
/// or voided since it was selected drops out), so totals and the 200 cap always count what would really be charged.
/// </remarks>
public sealed class InvoiceSelection
{
    /// <summary>"The 200 cap": one payment covers at most this many invoices (children count one by one).</summary>
    public const int MaxInvoicesPerPayment = 200;

    /// <summary>
    /// The oldest this many payable invoices decide every answer of "Select all" (single-site) and of a custom amount
    /// (<see cref="PaymentAllocator.AllocateOverOldest"/>): one more than a payment can cover, so a query reads only
    /// these.
    /// </summary>
    public const int OldestWindow = MaxInvoicesPerPayment + 1;

    private const string NotOpenInvoice = "That invoice is not one of your open invoices.";
    private const string NotOpenMultiSiteInvoice = "That multi-site invoice is not one of your open invoices.";

    private readonly Dictionary<long, OpenInvoice> _invoices = [];
    private readonly Dictionary<long, OpenMultiSiteInvoice> _parents = [];
    private readonly Dictionary<long, List<OpenInvoice>> _children = [];
    private readonly Dictionary<long, List<OpenInvoice>> _payableChildren = [];

    /// <param name="choice"><see cref="PaymentChoice.SingleSite"/> or <see cref="PaymentChoice.MultiSite"/>.</param>
    /// <param name="openInvoices">Every open invoice of this customer (single-site and children), nothing else.</param>
    /// <param name="multiSiteInvoices">The parents of those children (every child's parent must be here).</param>
    public InvoiceSelection(
        PaymentChoice choice,
        IEnumerable<OpenInvoice> openInvoices,
        IEnumerable<OpenMultiSiteInvoice> multiSiteInvoices)
    {
        ArgumentNullException.ThrowIfNull(openInvoices);
        ArgumentNullException.ThrowIfNull(multiSiteInvoices);
        if (choice is not (PaymentChoice.SingleSite or PaymentChoice.MultiSite))
            throw new ArgumentException(
                "Only invoice choices have a selection; a custom amount goes through PaymentAllocator.",
                nameof(choice));
        Choice = choice;

        foreach (var parent in multiSiteInvoices)
        {
            if (!_parents.TryAdd(parent.Id, parent))
                throw new ArgumentException(
                    $"Multi-site invoice {parent.Id} was passed twice.", nameof(multiSiteInvoices));
            _children[parent.Id] = [];
        }
        foreach (var invoice in openInvoices)
        {
            if (!_invoices.TryAdd(invoice.Id, invoice))
                throw new ArgumentException($"Invoice {invoice.Id} was passed twice.", nameof(openInvoices));
            if (invoice.MultiSiteInvoiceId is { } parentId)
            {
                if (!_children.TryGetValue(parentId, out var siblings))
                    throw new ArgumentException(
                        $"Invoice {invoice.Id} is a child of multi-site invoice {parentId}, which was not passed.",
                        nameof(multiSiteInvoices));
                siblings.Add(invoice);
            }
        }
        // Only a parent's children need an order here (oldest first); "Select all" orders the single-site invoices
        // itself.
        foreach (var (parentId, children) in _children)
        {
            children.Sort(OldestFirst.Instance);
            _payableChildren[parentId] = children.Where(c => c.HasBalance).ToList();
        }
    }

    public PaymentChoice Choice { get; }

    private bool MultiSite => Choice == PaymentChoice.MultiSite;

    /// <summary>The part of <paramref name="selected"/> that can still be paid under this choice.</summary>
    public IReadOnlySet<long> Normalize(IEnumerable<long> selected)
    {
        ArgumentNullException.ThrowIfNull(selected);
        return selected
            .Where(id => _invoices.TryGetValue(id, out var i) && i.HasBalance && i.IsChild == MultiSite)
            .ToHashSet();
    }

    /// <summary>
    /// Checks or unchecks one invoice: a single-site invoice, or (multi-site) one child. Takes the wanted state rather
    /// than flipping, so a repeated request (double click, retry) cannot undo itself.
    /// </summary>
    public SelectionResult SetInvoice(IReadOnlySet<long> selected, long invoiceId, bool check)
    {
        ArgumentNullException.ThrowIfNull(selected);
        if (!_invoices.TryGetValue(invoiceId, out var invoice))
            return SelectionResult.NotFound(selected, NotOpenInvoice);
        if (WrongChoice(invoice) is { } wrong) return SelectionResult.Refused(selected, wrong);

        var next = new HashSet<long>(Normalize(selected));
        if (!check)
        {
            next.Remove(invoiceId);
            return SelectionResult.Accepted(next);
        }
        if (!invoice.HasBalance) return SelectionResult.Refused(selected, NothingToPay(invoice));
        next.Add(invoiceId);
        return WithinCap(selected, next);
    }

    /// <summary>
    /// Checking a parent selects all its children that have a balance; unchecking clears all of them.
    /// </summary>
    public SelectionResult SetParent(IReadOnlySet<long> selected, long multiSiteInvoiceId, bool check)
    {
        ArgumentNullException.ThrowIfNull(selected);
        if (!_parents.TryGetValue(multiSiteInvoiceId, out var parent))
            return SelectionResult.NotFound(selected, NotOpenMultiSiteInvoice);
        if (!MultiSite) return SelectionResult.Refused(selected, ParentsNeedMultiSite);

        var next = new HashSet<long>(Normalize(selected));
        if (!check)
        {
            next.ExceptWith(_children[parent.Id].Select(c => c.Id));
            return SelectionResult.Accepted(next);
        }
        var payable = PayableChildren(parent.Id);
        if (payable.Count == 0)
            return SelectionResult.Refused(selected, $"Multi-site invoice {parent.Number} has nothing left to pay.");
        if (payable.Count > MaxInvoicesPerPayment)
            return SelectionResult.Refused(selected, ParentTooLarge(parent, payable.Count));
        next.UnionWith(payable.Select(c => c.Id));
        return WithinCap(selected, next);
    }

    /// <summary>
    /// "Select page": adds every row visible on the current page — single-site invoice ids, or (multi-site) parent ids
    /// meaning all their children — all or nothing. Rows with nothing left to pay ("Payment pending") have no checkbox
    /// and are passed over; the same id twice, an id that is not a row of this choice and passing the cap are refused.
    /// </summary>
    public SelectionResult SelectPage(IReadOnlySet<long> selected, IReadOnlyCollection<long> pageIds)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(pageIds);
        if (pageIds.Distinct().Count() != pageIds.Count)
            return SelectionResult.Refused(selected, "The same invoice was given more than once.");

        var next = new HashSet<long>(Normalize(selected));
        if (MultiSite)
        {
            foreach (var id in pageIds)
            {
                if (!_parents.ContainsKey(id)) return SelectionResult.NotFound(selected, NotOpenMultiSiteInvoice);
            }
            foreach (var id in pageIds) next.UnionWith(PayableChildren(id).Select(c => c.Id));
            return WithinCap(selected, next);
        }

        var invoices = new List<OpenInvoice>(pageIds.Count);
        foreach (var id in pageIds)
        {
            if (!_invoices.TryGetValue(id, out var invoice)) return SelectionResult.NotFound(selected, NotOpenInvoice);
            invoices.Add(invoice);
        }
        foreach (var invoice in invoices)
        {
            if (WrongChoice(invoice) is { } wrong) return SelectionResult.Refused(selected, wrong);
        }
        next.UnionWith(invoices.Where(i => i.HasBalance).Select(i => i.Id));
        return WithinCap(selected, next);
    }

    /// <summary>
    /// "Select all", defined as "up to 200": replaces the selection. Single-site: the 200 oldest invoices with a
    /// balance (with a notice when there are more). Multi-site: whole parents, oldest first, while the total stays
    /// within 200; it stops at the first parent that does not fit, so an older parent is never passed over for a newer
    /// one. Refused when the oldest parent alone has more than 200 invoices to pay.
    /// </summary>
    /// <param name="payableSingleSiteCount">
    /// Single-site only: when the query passed just the oldest payable single-site invoices (at least 201 of them), how
    /// many there are in all, for the "200 of N" notice. The 200 chosen are the same either way.
    /// </param>
    public SelectionResult SelectAll(IReadOnlySet<long> selected, int? payableSingleSiteCount = null)
    {
        ArgumentNullException.ThrowIfNull(selected);
        if (!MultiSite)
        {
            var payable = _invoices.Values.Where(i => !i.IsChild && i.HasBalance).OrderOldestFirst().ToList();
            var chosen = payable.Take(MaxInvoicesPerPayment).Select(i => i.Id).ToHashSet();
            var all = Math.Max(payable.Count, payableSingleSiteCount ?? 0);
            return all > MaxInvoicesPerPayment
                ? SelectionResult.Accepted(chosen, CapNotice(all))
                : SelectionResult.Accepted(chosen);
        }

        var parents = _parents.Values.Where(p => PayableChildren(p.Id).Count > 0).OrderOldestFirst().ToList();
        var next = new HashSet<long>();
        var taken = 0;
        foreach (var parent in parents)
        {
            var children = PayableChildren(parent.Id);
            if (next.Count + children.Count > MaxInvoicesPerPayment) break;
            next.UnionWith(children.Select(c => c.Id));
            taken++;
        }
        if (taken == 0 && parents.Count > 0)
            return SelectionResult.Refused(selected, ParentTooLarge(parents[0], PayableChildren(parents[0].Id).Count));
        return taken < parents.Count
            ? SelectionResult.Accepted(next,
                $"{Count(taken)} of {Count(parents.Count)} multi-site invoices selected ({Count(next.Count)} invoices)"
                + " — the most one payment can cover")
            : SelectionResult.Accepted(next);
    }

    /// <summary>
    /// What the page says while a selection holds as many invoices as one payment can cover and
    /// <paramref name="payable"/> could be selected: "200 of 240 selected — the most one payment can cover". Null
    /// otherwise.
    /// </summary>
    public static string? CapNoticeFor(int selectedCount, int payable) =>
        selectedCount >= MaxInvoicesPerPayment && payable > MaxInvoicesPerPayment ? CapNotice(payable) : null;

    private static string CapNotice(int all) =>
        $"{MaxInvoicesPerPayment} of {Count(all)} selected — the most one payment can cover";

    /// <summary>
    /// "Pay overdue balance": replaces the selection with the invoices of this choice that are overdue on
    /// <paramref name="today"/> (<see cref="OverdueRule.IsOverdue"/>), oldest first, up to 200, saying so when there
    /// are more. Single-site: single-site invoices; multi-site: children, one by one.
    /// </summary>
    /// <param name="overdueCount">
    /// When the query passed just the oldest overdue invoices (at least 201 of them), how many there are in all.
    /// </param>
    public SelectionResult SelectOverdue(IReadOnlySet<long> selected, DateOnly today, int? overdueCount = null)
    {
        ArgumentNullException.ThrowIfNull(selected);
        var overdue = _invoices.Values
            .Where(i => i.IsChild == MultiSite && OverdueRule.IsOverdue(i.BalanceCents, i.DueDate, today))
            .OrderOldestFirst().ToList();
        var all = Math.Max(overdue.Count, overdueCount ?? 0);
        var kind = MultiSite ? "multi-site" : "single-site";
        if (all == 0) return SelectionResult.Refused(selected, $"You have no overdue {kind} invoices.");
        var chosen = overdue.Take(MaxInvoicesPerPayment).Select(i => i.Id).ToHashSet();
        return SelectionResult.Accepted(chosen, all > MaxInvoicesPerPayment
            ? $"{MaxInvoicesPerPayment} of {Count(all)} overdue {kind} invoices selected — "
                + "the most one payment can cover"
            : $"All {Count(all)} overdue {kind} {(all == 1 ? "invoice" : "invoices")} selected.");
    }

    public static SelectionResult Clear() => SelectionResult.Accepted(new HashSet<long>());

    /// <summary>How a parent's checkbox is drawn: judged on its children that still have a balance.</summary>
    public ParentCheckState StateOf(long multiSiteInvoiceId, IReadOnlySet<long> selected)
    {
        ArgumentNullException.ThrowIfNull(selected);
        if (!_parents.ContainsKey(multiSiteInvoiceId))
        {
            throw new ArgumentException(
                $"Multi-site invoice {multiSiteInvoiceId} was not passed.", nameof(multiSiteInvoiceId));
        }
        var payable = PayableChildren(multiSiteInvoiceId);
        var chosen = payable.Count(c => selected.Contains(c.Id));
        if (chosen == 0) return ParentCheckState.Unchecked;
        return chosen == payable.Count ? ParentCheckState.Checked : ParentCheckState.Indeterminate;
    }

    /// <summary>
    /// "Amount Selected" and "Invoices to Pay": what the selection would charge, counting children one by one.
    /// </summary>
    public SelectionTotals Totals(IReadOnlySet<long> selected)
    {
        var ids = Normalize(selected);
        long amount = 0;
        foreach (var id in ids) amount = checked(amount + _invoices[id].BalanceCents);
        return new SelectionTotals(amount, ids.Count);
    }

    /// <summary>A parent's children that still have a balance, oldest first.</summary>
    private List<OpenInvoice> PayableChildren(long parentId) => _payableChildren[parentId];

    private string? WrongChoice(OpenInvoice invoice)
    {
        if (invoice.IsChild == MultiSite) return null;
        return invoice.MultiSiteInvoiceId is { } parentId
            ? $"Invoice {invoice.Number} is part of multi-site invoice {_parents[parentId].Number}; "
                + "choose “Select Multi-Site Invoices” to pay it."
            : $"Invoice {invoice.Number} is a single-site invoice; choose “Select Single-Site Invoices” to pay it.";
    }

    private const string ParentsNeedMultiSite = "Multi-site invoices are paid under “Select Multi-Site Invoices”.";

    private static SelectionResult WithinCap(IReadOnlySet<long> unchanged, HashSet<long> next) =>
        next.Count > MaxInvoicesPerPayment
            ? SelectionResult.Refused(
                unchanged,
                $"One payment can cover at most {MaxInvoicesPerPayment} invoices; "
                + $"this would select {Count(next.Count)}.")
            : SelectionResult.Accepted(next);

    private static string NothingToPay(OpenInvoice invoice) =>
        invoice.PendingCents > 0
            ? $"Invoice {invoice.Number} has a payment pending and nothing left to pay."
            : $"Invoice {invoice.Number} has nothing left to pay.";

    private static string ParentTooLarge(OpenMultiSiteInvoice parent, int children) =>
        $"Multi-site invoice {parent.Number} has {Count(children)} invoices to pay, "
        + $"more than one payment can cover ({MaxInvoicesPerPayment}). " +
        "Expand it and select its invoices one by one.";

    private static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
