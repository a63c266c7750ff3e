using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using RowData = CustomerPortal.Web.Features.MakeAPayment.PayPageQuery.RowData;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// The customer's invoices version (<see cref="CustomerInvoiceTotals.InvoicesVersion"/>) as one request read it with
/// its overview, before anything else of the invoices: every read that may be kept between requests takes one, so none
/// can run before the version is known. Made only from the overview's sums. Version 0: no totals row yet (nothing is
/// kept).
/// </summary>
internal readonly record struct InvoicesAsOf(long CustomerId, long Version)
{
    public static InvoicesAsOf Of(long customerId, OverviewSums sums) => new(customerId, sums.InvoicesVersion);
}

/// <summary>A page of the table in the default order (oldest first): of single-site invoices or of all kinds.</summary>
internal readonly record struct PageKey(bool SingleSiteOnly, int Skip, int Take);

/// <summary>One single-site invoice's row, as a toggle's answer redraws it.</summary>
internal readonly record struct RowKey(long InvoiceId);

/// <summary>The oldest window (<see cref="OpenInvoiceQueries.Window"/> invoices): single-site or all kinds.</summary>
internal readonly record struct OldestKey(bool SingleSiteOnly);

/// <summary>
/// What the Make a Payment page reads of a customer's invoices that depends on nothing but the invoices and their
/// sites: the overview (which carries the invoices version), the rules' snapshots, the oldest windows, site names, the
/// table's default-order pages and a toggled row. <see cref="InvoiceReadModel"/> reads them;
/// <see cref="KeptInvoiceReadModel"/> keeps them between requests (setting <c>MakeAPayment:KeepSnapshots</c>).
/// </summary>
internal interface IInvoiceReadModel
{
    /// <summary>The overview's sums and the invoices version (null: no totals row yet). Never kept.</summary>
    ValueTask<OverviewSums?> OverviewAsync(long customerId, DateOnly today, CancellationToken ct);

    /// <summary>What the rules need of the open invoices among <paramref name="ids"/> (others are left out).</summary>
    ValueTask<List<SnapshotRow>> SelectedAsync(InvoicesAsOf at, IReadOnlyCollection<long> ids, CancellationToken ct);

    /// <summary>The oldest window of invoices with a balance, oldest first, without site or parent.</summary>
    ValueTask<IReadOnlyList<SnapshotRow>> OldestAsync(InvoicesAsOf at, OldestKey window, CancellationToken ct);

    /// <summary>The site name of each of <paramref name="ids"/> ("" when none, or not the customer's).</summary>
    ValueTask<Dictionary<long, string>> SiteNamesAsync(InvoicesAsOf at, IReadOnlyCollection<long> ids,
        CancellationToken ct);

    /// <summary>A page of the table in the default order.</summary>
    ValueTask<IReadOnlyList<RowData>> PageAsync(InvoicesAsOf at, PageKey page, CancellationToken ct);

    /// <summary>A single-site invoice's row if it is the customer's and open (else none).</summary>
    ValueTask<IReadOnlyList<RowData>> RowAsync(InvoicesAsOf at, RowKey row, CancellationToken ct);
}

/// <summary>The read model as the database answers it now: one compiled query per read.</summary>
internal sealed class InvoiceReadModel(AppDbContext db) : IInvoiceReadModel
{
    public ValueTask<OverviewSums?> OverviewAsync(long customerId, DateOnly today, CancellationToken ct) =>
        new(OpenInvoiceQueries.OverviewQuery(db, customerId, today, false));

    public ValueTask<List<SnapshotRow>> SelectedAsync(InvoicesAsOf at, IReadOnlyCollection<long> ids,
        CancellationToken ct) =>
        OpenInvoiceQueries.SelectedQuery(db, at.CustomerId, false, ids.ToList()).ToListAsync(ct);

    public async ValueTask<IReadOnlyList<SnapshotRow>> OldestAsync(InvoicesAsOf at, OldestKey window,
        CancellationToken ct)
    {
        var query = window.SingleSiteOnly ? OpenInvoiceQueries.OldestSingleSiteQuery : OpenInvoiceQueries.OldestQuery;
        return await query(db, at.CustomerId, false).ToListAsync(ct);
    }

    public async ValueTask<Dictionary<long, string>> SiteNamesAsync(InvoicesAsOf at, IReadOnlyCollection<long> ids,
        CancellationToken ct)
    {
        var names = new Dictionary<long, string>(ids.Count);
        var query = OpenInvoiceQueries.SiteNamesQuery(db, at.CustomerId, ids.ToList());
        await foreach (var row in query.WithCancellation(ct)) names[row.InvoiceId] = row.Site;
        foreach (var id in ids) names.TryAdd(id, ""); // no site (or not the customer's): shown without one, known so
        return names;
    }

    public async ValueTask<IReadOnlyList<RowData>> PageAsync(InvoicesAsOf at, PageKey page, CancellationToken ct)
    {
        var query = page.SingleSiteOnly ? PayPageQuery.SingleSitePageQuery : PayPageQuery.AllKindsPageQuery;
        var rows = new List<RowData>(page.Take);
        await foreach (var row in query(db, at.CustomerId, false, page.Skip, page.Take).WithCancellation(ct))
            rows.Add(row);
        return rows;
    }

    public async ValueTask<IReadOnlyList<RowData>> RowAsync(InvoicesAsOf at, RowKey row, CancellationToken ct)
    {
        var found = new List<RowData>(1);
        var query = PayPageQuery.SingleSiteRowQuery(db, at.CustomerId, false, row.InvoiceId);
        await foreach (var r in query.WithCancellation(ct)) found.Add(r);
        return found;
    }
}

/// <summary>
/// The read model with its answers kept between requests under the customer's invoices version
/// (<see cref="InvoiceSnapshotCache"/>, which owns the version rule): an answer kept under the version this request
/// read is served without a query; anything read is kept under that version. The overview is never kept.
/// </summary>
internal sealed class KeptInvoiceReadModel(IInvoiceReadModel read, InvoiceSnapshotCache cache) : IInvoiceReadModel
{
    public ValueTask<OverviewSums?> OverviewAsync(long customerId, DateOnly today, CancellationToken ct) =>
        read.OverviewAsync(customerId, today, ct);

    public async ValueTask<List<SnapshotRow>> SelectedAsync(InvoicesAsOf at, IReadOnlyCollection<long> ids,
        CancellationToken ct)
    {
        if (cache.TryGetSnapshots(at, ids, out var kept)) return kept;
        var rows = await read.SelectedAsync(at, ids, ct);
        cache.KeepSnapshots(at, ids, rows);
        return rows;
    }

    public async ValueTask<IReadOnlyList<SnapshotRow>> OldestAsync(InvoicesAsOf at, OldestKey window,
        CancellationToken ct)
    {
        if (cache.Oldest.TryGet(at, window, out var kept)) return kept;
        var rows = await read.OldestAsync(at, window, ct);
        cache.KeepOldest(at, window, rows);
        return rows;
    }

    public async ValueTask<Dictionary<long, string>> SiteNamesAsync(InvoicesAsOf at, IReadOnlyCollection<long> ids,
        CancellationToken ct)
    {
        if (cache.TryGetSiteNames(at, ids, out var kept)) return kept;
        var names = await read.SiteNamesAsync(at, ids, ct);
        cache.KeepSiteNames(at, names);
        return names;
    }

    public async ValueTask<IReadOnlyList<RowData>> PageAsync(InvoicesAsOf at, PageKey page, CancellationToken ct)
    {
        if (cache.Pages.TryGet(at, page, out var kept)) return kept;
        IReadOnlyList<RowData> rows = (await read.PageAsync(at, page, ct)).ToArray(); // shared: not a list to change
        cache.Pages.Keep(at, page, rows);
        return rows;
    }

    public async ValueTask<IReadOnlyList<RowData>> RowAsync(InvoicesAsOf at, RowKey row, CancellationToken ct)
    {
        if (cache.Rows.TryGet(at, row, out var kept)) return kept;
        IReadOnlyList<RowData> rows = (await read.RowAsync(at, row, ct)).ToArray();
        cache.Rows.Keep(at, row, rows);
        return rows;
    }
}
