using System.Collections.Concurrent;
using CustomerPortal.Infrastructure.Data;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// What the selection rules read of a customer's open invoices (<see cref="SnapshotRow"/>s without totals, site or
/// parent details), kept between requests under the customer's invoices version
/// (<see cref="CustomerInvoiceTotals.InvoicesVersion"/>): a number the database moves on, in the same transaction, with
/// every insert, update or delete of one of the customer's invoices, whoever writes it. A request reads the version
/// with the overview (one statement it runs anyway) before anything else of the invoices, and uses what is kept only
/// under that version; rows it reads are kept under the version it read first, so what is kept is never older than the
/// version it is kept under. When the version moves, what was kept for the customer is dropped at the next read.
/// </summary>
/// <remarks>
/// Nothing that moves money reads this: the payment's plan and the write-ahead read the invoices afresh
/// (<see cref="Payments.PaymentPlanner"/>). A process keeps at most <see cref="MaxCustomers"/> customers (the least
/// recently used go first) and <see cref="MaxRowsPerCustomer"/> invoices each (past that, rows are read but not kept):
/// a few megabytes at most.
/// </remarks>
internal sealed class InvoiceSnapshotCache
{
    public const int MaxCustomers = 512;
    public const int MaxRowsPerCustomer = 2_000;

    private readonly ConcurrentDictionary<long, Entry> _entries = new();

    /// <summary>One customer's kept rows under one version. Rows: an id that was asked for and is not open maps to null.</summary>
    private sealed class Entry(long version)
    {
        public long Version { get; } = version;
        public ConcurrentDictionary<long, SnapshotRow?> Rows { get; } = new();
        public volatile IReadOnlyList<SnapshotRow>? OldestSingleSite;
        public volatile IReadOnlyList<SnapshotRow>? OldestAllKinds;
        public long LastUsed = Environment.TickCount64;
    }

    /// <summary>How many customers are kept now (for tests).</summary>
    public int CustomerCount => _entries.Count;

    /// <summary>
    /// The kept snapshots of the open invoices among <paramref name="ids"/>, when every one of them was answered under
    /// <paramref name="version"/> (an id that is not an open invoice of the customer is simply not in the list).
    /// </summary>
    internal bool TryGet(long customerId, long version, IReadOnlyCollection<long> ids, out List<SnapshotRow> rows)
    {
        rows = [];
        if (Current(customerId, version) is not { } entry) return false;
        var found = new List<SnapshotRow>(ids.Count);
        var seen = new HashSet<long>(ids.Count);
        foreach (var id in ids)
        {
            if (!entry.Rows.TryGetValue(id, out var row)) return false;
            if (row is not null && seen.Add(id)) found.Add(row);
        }
        rows = found;
        return true;
    }

    /// <summary>Keeps what one read answered under <paramref name="version"/> (read before the rows were).</summary>
    internal void Add(long customerId, long version, IEnumerable<long> askedIds, IReadOnlyCollection<SnapshotRow> rows)
    {
        var entry = EntryFor(customerId, version);
        foreach (var row in rows)
        {
            if (entry.Rows.Count >= MaxRowsPerCustomer) return;
            entry.Rows[row.Id] = row;
        }
        foreach (var id in askedIds)
        {
            if (entry.Rows.Count >= MaxRowsPerCustomer) return;
            entry.Rows.TryAdd(id, null);
        }
    }

    /// <summary>The kept oldest window (see <see cref="OpenInvoiceQueries.OldestPayableAsync"/>), or null.</summary>
    internal IReadOnlyList<SnapshotRow>? Oldest(long customerId, long version, bool singleSiteOnly) =>
        Current(customerId, version) is { } entry ? (singleSiteOnly ? entry.OldestSingleSite : entry.OldestAllKinds) : null;

    internal void KeepOldest(long customerId, long version, bool singleSiteOnly, IReadOnlyList<SnapshotRow> rows)
    {
        var entry = EntryFor(customerId, version);
        if (singleSiteOnly) entry.OldestSingleSite = rows;
        else entry.OldestAllKinds = rows;
        Add(customerId, version, [], rows); // each is an open invoice's snapshot too
    }

    private Entry? Current(long customerId, long version)
    {
        if (!_entries.TryGetValue(customerId, out var entry) || entry.Version != version) return null;
        entry.LastUsed = Environment.TickCount64;
        return entry;
    }

    /// <summary>
    /// The entry for this version, made anew when another version is kept (versions only move on, but a database made
    /// anew under a running app starts elsewhere: whichever version a request read last is the one kept).
    /// </summary>
    private Entry EntryFor(long customerId, long version)
    {
        while (true)
        {
            if (_entries.TryGetValue(customerId, out var kept))
            {
                if (kept.Version == version) return kept;
                var fresh = new Entry(version);
                if (_entries.TryUpdate(customerId, fresh, kept)) return fresh;
                continue;
            }
            if (_entries.Count >= MaxCustomers) EvictLeastRecentlyUsed();
            var added = new Entry(version);
            if (_entries.TryAdd(customerId, added)) return added;
        }
    }

    private void EvictLeastRecentlyUsed()
    {
        var oldest = _entries.OrderBy(e => e.Value.LastUsed).Take(Math.Max(1, MaxCustomers / 8)).ToList();
        foreach (var (customerId, entry) in oldest) _entries.TryRemove(new KeyValuePair<long, Entry>(customerId, entry));
    }
}
