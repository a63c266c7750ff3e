using CustomerPortal.Web.Shared;
using CustomerPortal.Domain;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Overview;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// One open invoice as read for the rules (an <see cref="OpenInvoice"/>) plus what a row shows. Read for the rules only
/// (<c>RuleSnapshot</c>) it has no totals, site or parent details: those only a shown row needs.
/// </summary>
internal sealed record SnapshotRow(
    long Id, long? ParentId, string Number, DateOnly InvoiceDate, DateOnly DueDate, long BalanceCents, long PendingCents,
    long? TotalCents, long? PaidCents, string? SiteName, string? ParentNumber, DateOnly? ParentInvoiceDate, DateOnly? ParentDueDate)
{
    // Made once with the row (rows are kept between requests, see InvoiceSnapshotCache), not once per use. A copy made
    // with `with { … }` would keep this one: make a new row instead.
    private readonly OpenInvoice _open = new(Id, ParentId, Number, InvoiceDate, DueDate, BalanceCents, PendingCents);

    public OpenInvoice ToOpenInvoice() => _open;

    public InvoiceStatus StatusOn(DateOnly today) => InvoiceStatusRules.Of(
        TotalCents ?? throw NoTotals(), PaidCents ?? throw NoTotals(), PendingCents, DueDate, false, today);

    private static InvalidOperationException NoTotals() =>
        new("This snapshot was read for the rules only (no totals): read the invoice with its totals to show its status.");
}

/// <summary>A custom amount's split (null when refused, with the reason) and the oldest window it is over.</summary>
internal sealed record CustomSplit(IReadOnlyList<SnapshotRow> Oldest, AllocationPlan? Plan, string? Refusal);

/// <summary>
/// The Overview sums of one customer's open invoices (the balance and pending of all of them, the balance of those not
/// yet due) and how many are open (all kinds, single-site), from one aggregate query: what
/// <see cref="AccountOverview.Of"/> makes the figures from.
/// </summary>
/// <param name="InvoicesVersion">The customer's <see cref="CustomerInvoiceTotals.InvoicesVersion"/> (0: no totals row
/// yet).</param>
internal sealed record OverviewSums(long BalanceCents, long PendingCents, long NotYetDueCents, int OpenCount = 0,
    int OpenSingleSiteCount = 0, int PayableSingleSiteCount = 0, long InvoicesVersion = 0);

/// <summary>
/// What one request of the Make a Payment page has read (a scoped service): the action and the page it answers with
/// share it, so nothing is read twice in one request and nothing outlives the request.
/// </summary>
public sealed class PayRequest
{
    internal PayRequest(AppDbContext db, IInvoiceReadModel reads, DraftStore drafts) =>
        Queries = new OpenInvoiceQueries(db, reads, drafts);

    internal OpenInvoiceQueries Queries { get; }
}

/// <summary>
/// Every SQL the Make a Payment page runs over invoices, each always scoped by customer id. Each method is one round
/// trip whatever the number of invoices; the rules get snapshots of only the invoices an answer can depend on.
/// </summary>
internal sealed class OpenInvoiceQueries
{
    private readonly AppDbContext db;
    private readonly IInvoiceReadModel _reads;
    private readonly DraftStore _drafts;
    private (long CustomerId, DateOnly Today, OverviewSums Sums)? _overview;
    private (long CustomerId, bool SingleSiteOnly, IReadOnlyList<SnapshotRow> Rows)? _oldest;
    private (long CustomerId, long AmountCents, CustomSplit Split)? _split;
    private StoredDraft? _draft;
    private (long CustomerId, PaymentChoice Choice, HashSet<long> Asked, InvoiceSelection Rules)? _rules;
    // Rows read in this request, and every id some query of this request answered for (found or not): an action reads
    // what its rules need, and the page it answers with then needs no second read of the same invoices.
    private readonly Dictionary<long, SnapshotRow> _known = [];
    private readonly HashSet<long> _answered = [];
    private long _memoCustomerId;

    // One per request (see PayRequest), shared by the action (PaymentDraftService) and the page it answers with
    // (PayPageQuery), so the aggregate and the oldest window are read once per request, not once per use. Not per
    // context: contexts are pooled and outlive the request.
    internal OpenInvoiceQueries(AppDbContext db, IInvoiceReadModel reads, DraftStore drafts) =>
        (this.db, _reads, _drafts) = (db, reads, drafts);

    /// <summary>The customer's open invoices (<see cref="OpenInvoiceRule.IsOpen"/>; "Payment pending" rows stay
    /// visible).</summary>
    public IQueryable<Invoice> Open(long customerId) =>
        db.Invoices.AsNoTracking().Where(i => i.CustomerId == customerId).WhereOpen(isVoid: false);

    /// <summary>No draft stored yet: the default choice, nothing selected, revision 0.</summary>
    private static readonly StoredDraft NoDraft =
        new(0, "", 0, PaymentChoice.SingleSite, null, 0, default, new HashSet<long>());

    /// <summary>
    /// The draft the page shows: the signed-in contact's own; for a support agent viewing as the customer, the draft
    /// the customer's contacts changed last (the agent has none and can make none), so the agent sees what the customer
    /// sees. Read to show (<see cref="DraftRead.ToShow"/>); an action of this request reads it to change it.
    /// </summary>
    public async Task<StoredDraft> DraftAsync(CustomerAccess access, CancellationToken ct)
    {
        if (!access.IsViewAs && _draft is { } known && known.UserId == access.ActorUserId
            && known.CustomerId == access.CustomerId)
            return known;
        var owner = access.IsViewAs
            ? DraftOwner.LatestOf(access.CustomerId)
            : DraftOwner.Contact(access.ActorUserId, access.CustomerId);
        return await _drafts.ReadAsync(owner, DraftRead.ToShow, ct) ?? NoDraft;
    }

    /// <summary>The draft as an action of this request has just read or stored it: the page it answers shows that.</summary>
    public void RememberDraft(StoredDraft draft) => _draft = draft;

    /// <summary>
    /// Overdue Balance, Balance, Pending payments and the open counts in one round trip that does not grow with the
    /// number of invoices: Balance, Pending and the counts come from the customer's <see cref="CustomerInvoiceTotals"/>
    /// row (kept exact by triggers on Invoices); Overdue = Balance − the balance of the open invoices not yet due, read
    /// from IX_Invoices_NotYetDue (only invoices due today or later: a few weeks of a customer's invoices).
    /// An action and the page it answers with share one <see cref="PayRequest"/>: the second call reuses the first answer.
    /// </summary>
    public async Task<OverviewSums> OverviewAsync(long customerId, DateOnly today, CancellationToken ct)
    {
        if (_overview is { } known && known.CustomerId == customerId && known.Today == today) return known.Sums;
        var sums = await _reads.OverviewAsync(customerId, today, ct) ?? new OverviewSums(0, 0, 0);
        _overview = (customerId, today, sums);
        return sums;
    }

    /// <summary>
    /// The customer's invoices version, read with the overview (a statement the page runs anyway) before anything else
    /// of the invoices: what every read that may be kept between requests is read and kept under.
    /// </summary>
    public async ValueTask<InvoicesAsOf> InvoicesAsOfAsync(long customerId, DateOnly today, CancellationToken ct) =>
        InvoicesAsOf.Of(customerId, await OverviewAsync(customerId, today, ct));

    // The hot queries of the page and its actions are compiled once: EF then skips the expression-tree work (closure
    // evaluation, cache lookup) it otherwise does on every execution. Their rules ("open", "not yet due", "oldest
    // first") are the domain's, put in place by InvoiceQueryRules.Expand; isVoid is always false (see WhereOpen).
    internal static readonly Func<AppDbContext, long, DateOnly, bool, Task<OverviewSums?>> OverviewQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, DateOnly today, bool isVoid) =>
            db.CustomerInvoiceTotals.AsNoTracking()
                .Where(t => t.CustomerId == customerId)
                .Select(t => new OverviewSums(
                    t.BalanceCents, t.PendingCents,
                    db.Invoices.Where(i => i.CustomerId == customerId).WhereOpen(isVoid).WhereNotYetDue(today)
                        .Sum(i => (long?)i.BalanceCents) ?? 0L,
                    t.OpenCount, t.OpenSingleSiteCount, t.PayableSingleSiteCount, t.InvoicesVersion))
                .FirstOrDefault()));

    // What the selection rules and the allocation read of an invoice: no totals, site or parent details (those only a
    // shown row needs). Every column here is in IX_Invoices_OpenByCustomer, so "select all" reads the index alone.
    private static readonly System.Linq.Expressions.Expression<Func<Invoice, SnapshotRow>> RuleSnapshot =
        i => new SnapshotRow(i.Id, i.MultiSiteInvoiceId, i.Number, i.InvoiceDate, i.DueDate, i.BalanceCents, i.PendingCents,
            null, null, null, null, null, null);

    internal static readonly Func<AppDbContext, long, bool, List<long>, IAsyncEnumerable<SnapshotRow>> SelectedQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, bool isVoid, List<long> ids) =>
            db.Invoices.AsNoTracking()
                .Where(i => i.CustomerId == customerId).WhereOpen(isVoid).Where(i => ids.Contains(i.Id))
                .Select(RuleSnapshot)));

    // The custom amount: what the allocation needs of the oldest window (all kinds). The site of the few invoices an
    // amount reaches is read after the split (SiteNamesAsync), not for all 201.
    internal static readonly Func<AppDbContext, long, bool, IAsyncEnumerable<SnapshotRow>> OldestQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, bool isVoid) =>
            db.Invoices.AsNoTracking()
                .Where(i => i.CustomerId == customerId).WherePayable(isVoid)
                .OrderOldestFirst()
                .Take(InvoiceSelection.OldestWindow)
                .Select(RuleSnapshot)));

    internal static readonly Func<AppDbContext, long, List<long>, IAsyncEnumerable<InvoiceSite>> SiteNamesQuery =
        EF.CompileAsyncQuery((AppDbContext db, long customerId, List<long> ids) =>
            from i in db.Invoices.AsNoTracking()
            where i.CustomerId == customerId && ids.Contains(i.Id)
            join site in db.Sites.AsNoTracking() on i.SiteId equals site.Id
            select new InvoiceSite(i.Id, site.Name));

    internal sealed record InvoiceSite(long InvoiceId, string Site);

    /// <summary>The site name of each of the customer's invoices among <paramref name="invoiceIds"/> (one query, or none when kept).</summary>
    public async Task<Dictionary<long, string>> SiteNamesAsync(InvoicesAsOf at, IReadOnlyCollection<long> invoiceIds,
        CancellationToken ct) =>
        invoiceIds.Count == 0 ? [] : await _reads.SiteNamesAsync(at, invoiceIds, ct);

    /// <summary>A page of the table in the default order (kept under the invoices version when kept at all).</summary>
    public ValueTask<IReadOnlyList<PayPageQuery.RowData>> PageAsync(InvoicesAsOf at, PageKey page,
        CancellationToken ct) =>
        _reads.PageAsync(at, page, ct);

    /// <summary>One single-site invoice's row, if it is the customer's and open (a toggle's answer).</summary>
    public ValueTask<IReadOnlyList<PayPageQuery.RowData>> RowAsync(InvoicesAsOf at, long invoiceId,
        CancellationToken ct) =>
        _reads.RowAsync(at, new RowKey(invoiceId), ct);

    // "Select all" under single-site: only what the rules need (no site name, no parent), like SelectedQuery.
    internal static readonly Func<AppDbContext, long, bool, IAsyncEnumerable<SnapshotRow>> OldestSingleSiteQuery =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, bool isVoid) =>
            db.Invoices.AsNoTracking()
                .Where(i => i.CustomerId == customerId).WherePayable(isVoid).Where(i => i.MultiSiteInvoiceId == null)
                .OrderOldestFirst()
                .Take(InvoiceSelection.OldestWindow)
                .Select(RuleSnapshot)));

    /// <summary>
    /// Snapshots of the open invoices among <paramref name="invoiceIds"/> and of every open child of
    /// <paramref name="parentIds"/>, each with its parent's number and dates. An id that is not this customer's open
    /// invoice simply does not come back, which the rules answer with "not found".
    /// </summary>
    public Task<List<SnapshotRow>> SnapshotsAsync(long customerId, IReadOnlyCollection<long> invoiceIds, IReadOnlyCollection<long> parentIds, CancellationToken ct)
    {
        if (invoiceIds.Count == 0 && parentIds.Count == 0) return Task.FromResult(new List<SnapshotRow>());
        var ids = invoiceIds.ToList();
        var parents = parentIds.ToList();
        var query = Open(customerId);
        query = parents.Count == 0
            ? query.Where(i => ids.Contains(i.Id))
            : ids.Count == 0
                ? query.Where(i => i.MultiSiteInvoiceId != null && parents.Contains(i.MultiSiteInvoiceId.Value))
                : query.Where(i => ids.Contains(i.Id) || (i.MultiSiteInvoiceId != null && parents.Contains(i.MultiSiteInvoiceId.Value)));
        return LearnAsync(customerId, Project(query).ToListAsync(ct), ids);
    }

    private async Task<List<SnapshotRow>> LearnAsync(long customerId, Task<List<SnapshotRow>> read, IEnumerable<long> askedIds)
    {
        var rows = await read;
        return Learn(customerId, rows, askedIds.Concat(rows.Select(r => r.Id)));
    }

    /// <summary>
    /// What the selection rules need of the open invoices among <paramref name="invoiceIds"/> (balance, pending, dates,
    /// number, parent id), without the site name and the parent's number and dates that only a shown row needs
    /// (<see cref="SnapshotsAsync"/>): the single-site page and its actions read up to 200 of these per request. A child
    /// of a multi-site invoice comes back with its parent id but without the parent's details.
    /// </summary>
    public async Task<List<SnapshotRow>> SelectedAsync(InvoicesAsOf at, IReadOnlyCollection<long> invoiceIds,
        CancellationToken ct)
    {
        if (invoiceIds.Count == 0) return [];
        if (_memoCustomerId == at.CustomerId && invoiceIds.All(_answered.Contains))
            return invoiceIds.Distinct().Where(_known.ContainsKey).Select(id => _known[id]).ToList();
        return Learn(at.CustomerId, await _reads.SelectedAsync(at, invoiceIds, ct), invoiceIds);
    }

    private T Learn<T>(long customerId, T rows, IEnumerable<long> askedIds) where T : IReadOnlyCollection<SnapshotRow>
    {
        if (_memoCustomerId != customerId)
        {
            _known.Clear();
            _answered.Clear();
            _memoCustomerId = customerId;
        }
        foreach (var row in rows) _known.TryAdd(row.Id, row);
        _answered.UnionWith(askedIds);
        return rows;
    }

    /// <summary>The parent of an invoice some query of this request has read (null: none, or not read).</summary>
    public long? ParentOf(long invoiceId) => _known.TryGetValue(invoiceId, out var row) ? row.ParentId : null;

    /// <summary>Every open multi-site child of the customer (for "Select all" under multi-site).</summary>
    public Task<List<SnapshotRow>> AllChildrenAsync(long customerId, CancellationToken ct) =>
        LearnAsync(customerId, Project(Open(customerId).Where(i => i.MultiSiteInvoiceId != null)).ToListAsync(ct), []);

    /// <summary>
    /// The oldest <see cref="InvoiceSelection.OldestWindow"/> invoices with a balance, oldest first: single-site only
    /// ("Select all") or all kinds (the custom amount); what the rules and the allocation need, without site or parent.
    /// </summary>
    public async Task<IReadOnlyList<SnapshotRow>> OldestPayableAsync(InvoicesAsOf at, bool singleSiteOnly,
        CancellationToken ct)
    {
        var customerId = at.CustomerId;
        if (_oldest is { } known && known.CustomerId == customerId && known.SingleSiteOnly == singleSiteOnly) return known.Rows;
        var rows = await _reads.OldestAsync(at, new OldestKey(singleSiteOnly), ct);
        Learn(customerId, rows, rows.Select(r => r.Id));
        _oldest = (customerId, singleSiteOnly, rows);
        return rows;
    }

    private IQueryable<SnapshotRow> Project(IQueryable<Invoice> query) =>
        from i in query
        join p in db.MultiSiteInvoices.AsNoTracking() on i.MultiSiteInvoiceId equals (long?)p.Id into parents
        from p in parents.DefaultIfEmpty()
        select new SnapshotRow(i.Id, i.MultiSiteInvoiceId, i.Number, i.InvoiceDate, i.DueDate, i.BalanceCents, i.PendingCents,
            i.TotalCents, i.PaidCents,
            db.Sites.Where(s => s.Id == i.SiteId).Select(s => s.Name).FirstOrDefault(),
            p == null ? null : p.Number, p == null ? null : p.InvoiceDate, p == null ? null : p.DueDate);

    /// <summary>
    /// The rules over the open invoices among <paramref name="invoiceIds"/> (<see cref="SelectedAsync"/>). The rules an
    /// action of this request built over a superset of these ids serve again: the page it answers with asks for the ids
    /// now selected, which the action's ids (the selection before plus what it added) cover, and rules over more open
    /// invoices answer the same for these (totals and checks only look at the ids they are given).
    /// </summary>
    public async Task<InvoiceSelection> RulesAsync(InvoicesAsOf at, PaymentChoice choice,
        IReadOnlyCollection<long> invoiceIds, CancellationToken ct)
    {
        var customerId = at.CustomerId;
        if (_rules is { } known && known.CustomerId == customerId && known.Choice == choice && invoiceIds.All(known.Asked.Contains)) return known.Rules;
        var rules = SelectionOver(choice, await SelectedAsync(at, invoiceIds, ct));
        _rules = (customerId, choice, invoiceIds.ToHashSet(), rules);
        return rules;
    }

    /// <summary>The rules over exactly these snapshots (their parents come from the rows themselves).</summary>
    public static InvoiceSelection SelectionOver(PaymentChoice choice, IEnumerable<SnapshotRow> rows)
    {
        var list = rows.DistinctBy(r => r.Id).ToList();
        var parents = list.Where(r => r.ParentId is not null).DistinctBy(r => r.ParentId)
            .Select(r => new OpenMultiSiteInvoice(r.ParentId!.Value, r.ParentNumber ?? "", r.ParentInvoiceDate ?? r.InvoiceDate, r.ParentDueDate ?? r.DueDate));
        return new InvoiceSelection(choice, list.Select(r => r.ToOpenInvoice()), parents);
    }

    public static AccountOverview Overview(OverviewSums sums, long amountSelectedCents, int invoicesToPay) =>
        AccountOverview.Of(
            sums.BalanceCents, sums.PendingCents, sums.NotYetDueCents, amountSelectedCents, invoicesToPay);

    /// <summary>
    /// A custom amount's split over the oldest window (<see cref="Allocate"/>), once per request: the action that
    /// checks an amount and the page it answers with share it (<see cref="CustomSplit.Refusal"/>: why it is refused).
    /// </summary>
    public async Task<CustomSplit> SplitAsync(InvoicesAsOf at, OverviewSums sums, long amountCents,
        CancellationToken ct)
    {
        if (_split is { } known && known.CustomerId == at.CustomerId && known.AmountCents == amountCents)
            return known.Split;
        var oldest = await OldestPayableAsync(at, singleSiteOnly: false, ct);
        CustomSplit split;
        try
        {
            split = new CustomSplit(oldest, Allocate(amountCents, oldest, sums), null);
        }
        catch (DomainException ex)
        {
            split = new CustomSplit(oldest, null, ex.Message);
        }
        _split = (at.CustomerId, amountCents, split);
        return split;
    }

    /// <summary>
    /// The oldest <see cref="InvoiceSelection.OldestWindow"/> invoices of one kind (single-site, or children) overdue
    /// on <paramref name="today"/> with a balance left, and how many there are ("Pay overdue balance").
    /// </summary>
    public async Task<(List<SnapshotRow> Oldest, int Count)> OverdueAsync(long customerId, bool children,
        DateOnly today, CancellationToken ct)
    {
        var overdue = db.Invoices.AsNoTracking().Where(i => i.CustomerId == customerId)
            .WherePayable(isVoid: false).WherePastDue(today);
        overdue = children
            ? overdue.Where(i => i.MultiSiteInvoiceId != null)
            : overdue.Where(i => i.MultiSiteInvoiceId == null);
        var count = await overdue.CountAsync(ct);
        var oldest = await Project(overdue.OrderOldestFirst().Take(InvoiceSelection.OldestWindow)).ToListAsync(ct);
        return (oldest, count);
    }

    /// <summary>
    /// The largest custom amount one payment can take (<see cref="PaymentAllocator.MostInOnePayment"/>), from the same
    /// oldest window the split reads.
    /// </summary>
    public async Task<long> MostInOnePaymentAsync(InvoicesAsOf at, CancellationToken ct) =>
        PaymentAllocator.MostInOnePayment(
            (await OldestPayableAsync(at, singleSiteOnly: false, ct)).Select(r => r.ToOpenInvoice()));

    /// <summary>The custom amount split over the oldest window and the whole balance (see <see cref="PaymentAllocator.AllocateOverOldest"/>).</summary>
    public static AllocationPlan Allocate(long amountCents, IEnumerable<SnapshotRow> oldest, OverviewSums sums) =>
        PaymentAllocator.AllocateOverOldest(amountCents, oldest.Select(r => r.ToOpenInvoice()), sums.BalanceCents);
}
