using CustomerPortal.Domain;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// Builds the Make a Payment page. A fixed number of queries whatever the number of invoices: the draft, the overview
/// aggregate, a count and a page of rows, then one query for the snapshots the rules need (the selection and the
/// children of the parents on the page, or the oldest 201 invoices for a custom amount).
/// </summary>
public sealed class PayPageQuery(AppDbContext db, PayRequest request, TimeProvider clock,
    Payments.PaymentQueries payments)
{
    private readonly OpenInvoiceQueries _q = request.Queries;

    /// <summary>
    /// The page for <paramref name="state"/>; with <paramref name="only"/>, just the rows one toggle changed and the
    /// overview (<see cref="PayPage.RowsOnly"/>): the same queries and rules, over those rows instead of a page of the
    /// table. A custom amount has no toggles: it is always drawn whole.
    /// </summary>
    public async Task<PayPage> BuildAsync(CustomerAccess access, TableState state, PageMessage? message,
        string? attemptedAmount, CancellationToken ct, RowScope? only = null)
    {
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        var draft = await _q.DraftAsync(access, ct);
        var sums = await _q.OverviewAsync(access.CustomerId, today, ct);
        var at = InvoicesAsOf.Of(access.CustomerId, sums); // what may be kept between requests is read under this
        var canChange = PlanGate.MayChange(access);
        var stamp = PageVersion.Stamp(sums);

        switch (draft.Choice)
        {
            case PaymentChoice.CustomAmount:
            {
                var (total, pages, page, rows) =
                    await InvoiceRowsAsync(at, singleSiteOnly: false, sums.OpenCount, state, ct);
                var custom = await CustomAmountAsync(at, draft, sums, attemptedAmount, ct);
                var overview = OpenInvoiceQueries.Overview(
                    sums, custom.Plan?.TotalCents ?? 0, custom.Plan?.InvoiceCount ?? 0);
                var shown = rows.Select(r => Row(r, today, selectable: false, selected: false)).ToList();
                return new PayPage(access, canChange, draft.Choice, overview, page, total, pages, shown, [], custom,
                    message)
                { Today = today, Revision = draft.Revision, DataStamp = stamp };
            }
            case PaymentChoice.MultiSite:
            {
                // A toggled child is redrawn with its parent; a parent this request has not read means the whole table.
                var parentId = only is null
                    ? null
                    : only.ParentId ?? (only.InvoiceId is { } child ? _q.ParentOf(child) : null);
                if (parentId is null) only = null;
                var (total, pages, page, parents) = only is null
                    ? await ParentRowsAsync(access.CustomerId, state, ct)
                    : (0, 0, state, await ParentsByIdAsync(access.CustomerId, parentId!.Value, ct));
                var snapshots = await _q.SnapshotsAsync(
                    access.CustomerId, draft.Selected, parents.Select(p => p.Id).ToList(), ct);
                var rules = OpenInvoiceQueries.SelectionOver(PaymentChoice.MultiSite, snapshots);
                var selected = rules.Normalize(draft.Selected);
                var totals = rules.Totals(selected);
                var children = snapshots.Where(s => s.ParentId is not null).ToLookup(s => s.ParentId!.Value);
                var open = page.Open.ToHashSet();
                var shown = parents.Select(p =>
                {
                    var kids = children[p.Id].OrderBy(c => c.ToOpenInvoice(), OldestFirst.Instance)
                        .Select(c => Row(c, today, selectable: c.BalanceCents > 0, selected: selected.Contains(c.Id)))
                            .ToList();
                    var status = InvoiceStatusRules.Of(
                        p.TotalCents, p.PaidCents, p.PendingCents, p.DueDate, false, today);
                    return new ParentRow(p.Id, p.Number, p.Sites, p.InvoiceDate, p.DueDate, status, p.TotalCents,
                        p.BalanceCents, rules.StateOf(p.Id, selected), kids.Any(k => k.Selectable),
                        open.Contains(p.Id), kids);
                }).ToList();
                var overview = OpenInvoiceQueries.Overview(sums, totals.AmountCents, totals.InvoiceCount);
                return new PayPage(access, canChange, draft.Choice, overview, page, total, pages, [], shown, null,
                    message)
                { Today = today, Revision = draft.Revision, DataStamp = stamp, RowsOnly = only is not null };
            }
            default:
            {
                var (total, pages, page, rows) = only is null
                    ? await InvoiceRowsAsync(at, singleSiteOnly: true, sums.OpenSingleSiteCount, state, ct)
                    : (0, 0, state, only.InvoiceId is { } id ? await _q.RowAsync(at, id, ct) : []);
                var rules = await _q.RulesAsync(at, PaymentChoice.SingleSite, draft.Selected, ct);
                var selected = rules.Normalize(draft.Selected);
                var totals = rules.Totals(selected);
                var shown = rows.Select(r => Row(r, today, selectable: r.BalanceCents > 0,
                    selected: selected.Contains(r.Id))).ToList();
                var overview = OpenInvoiceQueries.Overview(sums, totals.AmountCents, totals.InvoiceCount);
                // "200 of 240 selected": on every page and answer while it holds, not only after "Select all".
                if (message is null
                    && InvoiceSelection.CapNoticeFor(totals.InvoiceCount, sums.PayableSingleSiteCount) is { } cap)
                    message = new PageMessage(cap, MessageTarget.Selection, false);
                return new PayPage(access, canChange, PaymentChoice.SingleSite, overview, page, total, pages, shown, [],
                    null, message)
                { Today = today, Revision = draft.Revision, DataStamp = stamp, RowsOnly = only is not null };
            }
        }
    }

    private async Task<CustomAmountView> CustomAmountAsync(InvoicesAsOf at, StoredDraft draft, OverviewSums sums,
        string? attempted, CancellationToken ct)
    {
        // A refused amount is shown as typed, next to its message, and nothing else: the action forgot the amount
        // stored before it, so no split of an old amount stays on screen.
        var text = attempted ?? (draft.CustomAmountCents is { } stored ? Money.FromCents(stored).ToPlainString() : "");
        var most = await _q.MostInOnePaymentAsync(at, ct);
        if (attempted is not null || draft.CustomAmountCents is not { } cents)
            return new CustomAmountView(text, null, new Dictionary<long, AllocationRowInfo>(), most);
        // The split an action of this request made of the same amount, or made now.
        var (oldest, split, _) = await _q.SplitAsync(at, sums, cents, ct);
        // The stored amount no longer fits (invoices paid since): nothing is selected until a new preview says why.
        if (split is not { } plan)
            return new CustomAmountView(text, null, new Dictionary<long, AllocationRowInfo>(), most);
        // The preview shows each invoice the amount reaches with its site and date: the site is read for those only.
        var reached = plan.Lines.Select(l => l.InvoiceId).ToHashSet();
        var sites = await _q.SiteNamesAsync(at, reached, ct);
        var info = oldest.Where(r => reached.Contains(r.Id))
            .ToDictionary(r => r.Id, r => new AllocationRowInfo(sites.GetValueOrDefault(r.Id, ""), r.InvoiceDate));
        return new CustomAmountView(text, plan, info, most);
    }

    /// <summary>
    /// The page with "How will you be paying today?" read: for a whole page (a fragment answer leaves that section
    /// as it is). Only a customer who may pay gets it.
    /// </summary>
    public async Task<PayPage> WithPayingAsync(PayPage page, CancellationToken ct) =>
        page.CanChange ? page with { Paying = await payments.PayOptionsAsync(page.Access, null, ct) } : page;

    internal sealed record RowData(long Id, string Number, string? Site, DateOnly InvoiceDate, DateOnly DueDate,
        long TotalCents, long PaidCents, long PendingCents, long BalanceCents);

    // Built with an initializer, not a constructor: EF orders by the members of a projection only then.
    private sealed class ParentData : IOldestFirstKeys
    {
        public long Id { get; init; }
        public required string Number { get; init; }
        public DateOnly InvoiceDate { get; init; }
        public DateOnly DueDate { get; init; }
        public int Sites { get; init; }
        public long TotalCents { get; init; }
        public long PaidCents { get; init; }
        public long PendingCents { get; init; }
        public long BalanceCents { get; init; }
    }

    private static InvoiceRow Row(RowData r, DateOnly today, bool selectable, bool selected) =>
        new(r.Id, r.Number, r.Site ?? "", r.InvoiceDate, r.DueDate,
            InvoiceStatusRules.Of(r.TotalCents, r.PaidCents, r.PendingCents, r.DueDate, false, today),
            r.TotalCents, r.BalanceCents, selectable, selected);

    private static InvoiceRow Row(SnapshotRow r, DateOnly today, bool selectable, bool selected) =>
        new(r.Id, r.Number, r.SiteName ?? "", r.InvoiceDate, r.DueDate, r.StatusOn(today), r.TotalCents!.Value,
            r.BalanceCents, selectable, selected);

    private static (int Pages, TableState State) Clamp(int total, TableState state)
    {
        var pages = Math.Max(1, (total + state.Size - 1) / state.Size);
        return (pages, state.Page > pages ? state.WithPage(pages) : state);
    }

    private async Task<(int Total, int Pages, TableState State, IReadOnlyList<RowData> Rows)> InvoiceRowsAsync(
        InvoicesAsOf at, bool singleSiteOnly, int total, TableState state, CancellationToken ct)
    {
        var customerId = at.CustomerId;
        // total: counted by the overview aggregate over the same open invoices.
        var (pages, page) = Clamp(total, state);
        // Plain locals: EF compiles an arithmetic expression inside a query into a delegate on every execution.
        var (skip, take) = ((page.Page - 1) * page.Size, page.Size);
        if (page.Sort == InvoiceSort.InvoiceDate && !page.Descending)
        {
            // The default order (oldest first), which nearly every request uses: a compiled query, its answer kept
            // under the customer's invoices version (site names included: renaming a site moves the version too).
            var found = await _q.PageAsync(at, new PageKey(singleSiteOnly, skip, take), ct);
            return (total, pages, page, found);
        }
        var query = _q.Open(customerId);
        if (singleSiteOnly) query = query.Where(i => i.MultiSiteInvoiceId == null);
        // Sorted by a column: read in that order from the column's index (TableOrder; backwards when descending), so a
        // page costs about as much for 50,000 open invoices as for 500.
        var rows = await query.OrderByColumn(page.SortColumn, page.Descending)
            .Skip(skip).Take(take)
            .Select(i => new RowData(i.Id, i.Number,
                db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).FirstOrDefault(),
                i.InvoiceDate, i.DueDate, i.TotalCents, i.PaidCents, i.PendingCents, i.BalanceCents))
            .ToListAsync(ct);
        return (total, pages, page, rows);
    }

    // Two queries rather than one with a "single-site only" flag: the single-site page must say MultiSiteInvoiceId IS
    // NULL outright so SQLite reads it from IX_Invoices_OpenByCustomer; the all-kinds page reads
    // IX_Invoices_OldestFirst.
    internal static readonly Func<AppDbContext, long, bool, int, int, IAsyncEnumerable<RowData>> SingleSitePageQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand(
            (AppDbContext db, long customerId, bool isVoid, int skip, int take) =>
            db.Invoices.AsNoTracking()
                .Where(i => i.CustomerId == customerId).WhereOpen(isVoid).Where(i => i.MultiSiteInvoiceId == null)
                .OrderOldestFirst()
                .Skip(skip).Take(take)
                .Select(i => new RowData(i.Id, i.Number,
                    db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).FirstOrDefault(),
                    i.InvoiceDate, i.DueDate, i.TotalCents, i.PaidCents, i.PendingCents, i.BalanceCents))));

    internal static readonly Func<AppDbContext, long, bool, int, int, IAsyncEnumerable<RowData>> AllKindsPageQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand(
            (AppDbContext db, long customerId, bool isVoid, int skip, int take) =>
            db.Invoices.AsNoTracking()
                .Where(i => i.CustomerId == customerId).WhereOpen(isVoid)
                .OrderOldestFirst()
                .Skip(skip).Take(take)
                .Select(i => new RowData(i.Id, i.Number,
                    db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).FirstOrDefault(),
                    i.InvoiceDate, i.DueDate, i.TotalCents, i.PaidCents, i.PendingCents, i.BalanceCents))));

    /// <summary>
    /// One single-site invoice's row (a toggle's answer), if it is the customer's and open: kept under the invoices
    /// version like a page of the table (a toggle back and forth redraws the same row). Read by the read model.
    /// </summary>
    internal static readonly Func<AppDbContext, long, bool, long, IAsyncEnumerable<RowData>> SingleSiteRowQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, bool isVoid, long invoiceId) =>
            db.Invoices.AsNoTracking()
                .Where(i => i.Id == invoiceId && i.CustomerId == customerId).WhereOpen(isVoid)
                .Where(i => i.MultiSiteInvoiceId == null)
                .Select(i => new RowData(i.Id, i.Number,
                    db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).FirstOrDefault(),
                    i.InvoiceDate, i.DueDate, i.TotalCents, i.PaidCents, i.PendingCents, i.BalanceCents))));

    /// <summary>The customer's multi-site invoices that are not void and have an open child.</summary>
    private IQueryable<MultiSiteInvoice> OpenParents(long customerId)
    {
        var open = _q.Open(customerId);
        return db.MultiSiteInvoices.AsNoTracking()
            .Where(p => p.CustomerId == customerId && !p.IsVoid && open.Any(i => i.MultiSiteInvoiceId == p.Id));
    }

    /// <summary>A parent row's figures: sums over its children that are not void.</summary>
    private IQueryable<ParentData> ProjectParents(IQueryable<MultiSiteInvoice> parents)
    {
        var invoices = db.Invoices.AsNoTracking();
        return parents.Select(p => new ParentData
        {
            Id = p.Id, Number = p.Number, InvoiceDate = p.InvoiceDate, DueDate = p.DueDate,
            Sites = invoices.Count(i => i.MultiSiteInvoiceId == p.Id && !i.IsVoid),
            TotalCents = invoices.Where(i => i.MultiSiteInvoiceId == p.Id && !i.IsVoid).Sum(i => i.TotalCents),
            PaidCents = invoices.Where(i => i.MultiSiteInvoiceId == p.Id && !i.IsVoid).Sum(i => i.PaidCents),
            PendingCents = invoices.Where(i => i.MultiSiteInvoiceId == p.Id && !i.IsVoid).Sum(i => i.PendingCents),
            BalanceCents = invoices.Where(i => i.MultiSiteInvoiceId == p.Id && !i.IsVoid).Sum(i => i.BalanceCents),
        });
    }

    /// <summary>One multi-site invoice's row (a toggle's answer), if it is the customer's and open.</summary>
    private Task<List<ParentData>> ParentsByIdAsync(long customerId, long parentId, CancellationToken ct) =>
        ProjectParents(OpenParents(customerId).Where(p => p.Id == parentId)).ToListAsync(ct);

    /// <summary>
    /// The stamp of the customer's invoice figures (<see cref="PageVersion"/>) as they are now: the overview's sums,
    /// read once per request (the page this request answers with reuses them).
    /// </summary>
    public async Task<string> DataStampAsync(CustomerAccess access, CancellationToken ct) =>
        PageVersion.Stamp(
            await _q.OverviewAsync(access.CustomerId, Company.TodayIn(access.CompanyTimeZone, clock), ct));

    private async Task<(int Total, int Pages, TableState State, List<ParentData> Rows)> ParentRowsAsync(
        long customerId, TableState state, CancellationToken ct)
    {
        var query = OpenParents(customerId);
        var total = await query.CountAsync(ct);
        var (pages, page) = Clamp(total, state);
        var projected = ProjectParents(query);
        var (skip, take) = ((page.Page - 1) * page.Size, page.Size);
        var rows = await projected.OrderByColumn(page.SortColumn, page.Descending)
            .Skip(skip).Take(take).ToListAsync(ct);
        return (total, pages, page, rows);
    }
}
