using System.Collections.Concurrent;
using CustomerPortal.Infrastructure.Data;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// What the selection rules read of a customer's open invoices (<see cref="SnapshotRow"/>s without totals, site or
/// parent details), the table's pages in the default order and the site names of invoices, kept between requests under the customer's invoices version
/// (<see cref="CustomerInvoiceTotals.InvoicesVersion"/>): a number the database moves on, in the same transaction, with
/// every insert, update or delete of one of the customer's invoices, and every update or delete of one of its sites,
/// whoever writes it. A request reads the version
/// with the overview (one statement it runs anyway) before anything else of the invoices, and uses what is kept only
/// under that version; rows it reads are kept under the version it read first, so what is kept is never older than the
/// version it is kept under. When the version moves, what was kept for the customer is dropped at the next read.
/// </summary>
/// <remarks>
/// Nothing that moves money reads this: the payment's plan and the write-ahead read the invoices afresh
/// (<see cref="Payments.PaymentPlanner"/>). A process keeps at most <see cref="MaxRows"/> rows in all (about 300 bytes
/// each with the dictionary's node: ~15 MB), at most <see cref="MaxRowsPerCustomer"/> for one customer and at most
/// <see cref="MaxCustomers"/> customers; past a limit the least recently used customers go first, and rows past a
/// customer's limit are read but not kept.
/// </remarks>
internal sealed class InvoiceSnapshotCache
{
    public const int MaxCustomers = 512;
    public const int MaxRowsPerCustomer = 2_000;
    public const int MaxRows = 50_000;

    /// <summary>A kept version that no request has used for this long gives way to an older one (a database made anew).</summary>
    private const long IdleMilliseconds = 30_000;

    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private long _rows;
    private long _uses;

    /// <summary>One customer's kept rows under one version. Rows: an id that was asked for and is not open maps to null.</summary>
    private sealed class Entry(long version, long use)
    {
        public long Version { get; } = version;
        public long LastUse = use; // order of use, for "least recently used" (ties-free, unlike a clock)
        public ConcurrentDictionary<long, SnapshotRow?> Rows { get; } = new();
        public int Count; // Rows.Count without taking every lock of the dictionary
        public long LastUsedAt = Environment.TickCount64;
        public ConcurrentDictionary<long, string> SiteNames { get; } = new();
        public ConcurrentDictionary<string, object> Results { get; } = new();
    }

    /// <summary>How many customers are kept now (for tests).</summary>
    public int CustomerCount => _entries.Count;

    /// <summary>How many rows are kept now, about (for tests).</summary>
    public long RowCount => Interlocked.Read(ref _rows);

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
        if (EntryFor(customerId, version) is not { } entry) return;
        // Every row before any "not open" mark: an id is then kept with its row, kept as not open, or not kept at all.
        foreach (var row in rows)
        {
            if (!Room(entry)) return;
            if (entry.Rows.TryAdd(row.Id, row)) Counted(entry);
            else entry.Rows[row.Id] = row;
        }
        foreach (var id in askedIds)
        {
            if (!Room(entry)) return;
            if (entry.Rows.TryAdd(id, null)) Counted(entry);
        }
    }

    private bool Room(Entry entry)
    {
        if (Volatile.Read(ref entry.Count) >= MaxRowsPerCustomer) return false;
        if (Interlocked.Read(ref _rows) < MaxRows) return true;
        EvictLeastRecentlyUsed();
        return Interlocked.Read(ref _rows) < MaxRows;
    }

    private void Counted(Entry entry)
    {
        Interlocked.Increment(ref entry.Count);
        Interlocked.Increment(ref _rows);
    }

    /// <summary>A query's answer kept under <paramref name="key"/> and this version (e.g. a page of the table), or null.</summary>
    internal T? Result<T>(long customerId, long version, string key) where T : class =>
        Current(customerId, version) is { } entry && entry.Results.TryGetValue(key, out var value) ? value as T : null;

    /// <summary>Keeps a query's answer; <paramref name="rows"/> is what it counts against the bounds.</summary>
    internal void KeepResult(long customerId, long version, string key, object value, int rows)
    {
        if (EntryFor(customerId, version) is not { } entry || !Room(entry) || Volatile.Read(ref entry.Count) + rows > MaxRowsPerCustomer) return;
        if (!entry.Results.TryAdd(key, value)) return;
        Interlocked.Add(ref entry.Count, rows);
        Interlocked.Add(ref _rows, rows);
    }

    /// <summary>The kept site names of <paramref name="invoiceIds"/>, when every one is kept under this version.</summary>
    internal bool TryGetSiteNames(long customerId, long version, IReadOnlyCollection<long> invoiceIds, out Dictionary<long, string> names)
    {
        names = new Dictionary<long, string>(invoiceIds.Count);
        if (Current(customerId, version) is not { } entry) return false;
        foreach (var id in invoiceIds)
        {
            if (!entry.SiteNames.TryGetValue(id, out var name)) return false;
            names[id] = name;
        }
        return true;
    }

    internal void KeepSiteNames(long customerId, long version, IReadOnlyDictionary<long, string> names)
    {
        if (EntryFor(customerId, version) is not { } entry) return;
        foreach (var (id, name) in names)
        {
            if (!Room(entry)) return;
            if (entry.SiteNames.TryAdd(id, name)) Counted(entry);
        }
    }

    /// <summary>The kept oldest window (see <see cref="OpenInvoiceQueries.OldestPayableAsync"/>), or null.</summary>
    internal IReadOnlyList<SnapshotRow>? Oldest(long customerId, long version, bool singleSiteOnly) =>
        Result<IReadOnlyList<SnapshotRow>>(customerId, version, OldestKey(singleSiteOnly));

    /// <summary>Keeps the oldest window as an answer, and each of its rows as an open invoice's snapshot.</summary>
    internal void KeepOldest(long customerId, long version, bool singleSiteOnly, IReadOnlyList<SnapshotRow> rows)
    {
        Add(customerId, version, [], rows);
        KeepResult(customerId, version, OldestKey(singleSiteOnly), rows, 0); // the rows are counted once, as snapshots
    }

    private static string OldestKey(bool singleSiteOnly) => singleSiteOnly ? "oldest:single" : "oldest:all";

    private Entry? Current(long customerId, long version)
    {
        if (!_entries.TryGetValue(customerId, out var entry) || entry.Version != version) return null;
        Volatile.Write(ref entry.LastUsedAt, Environment.TickCount64);
        Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref _uses));
        return entry;
    }

    /// <summary>
    /// The entry for this version: the kept one, or a new one when the kept one is older. Null when a newer one is kept
    /// (this request read the version before another request saw it move: what it read is not kept). A kept version no
    /// request has used for <see cref="IdleMilliseconds"/> gives way to any other (a database made anew starts elsewhere).
    /// </summary>
    private Entry? EntryFor(long customerId, long version)
    {
        while (true)
        {
            if (_entries.TryGetValue(customerId, out var kept))
            {
                if (kept.Version == version) return kept;
                if (kept.Version > version && Environment.TickCount64 - Volatile.Read(ref kept.LastUsedAt) < IdleMilliseconds) return null;
                var fresh = new Entry(version, Interlocked.Increment(ref _uses));
                if (_entries.TryUpdate(customerId, fresh, kept))
                {
                    Interlocked.Add(ref _rows, -Volatile.Read(ref kept.Count));
                    return fresh;
                }
                continue;
            }
            if (_entries.Count >= MaxCustomers) EvictLeastRecentlyUsed();
            var added = new Entry(version, Interlocked.Increment(ref _uses));
            if (_entries.TryAdd(customerId, added)) return added;
        }
    }

    private readonly Lock _evicting = new();

    /// <summary>Drops the least recently used eighth of the customers (one caller at a time; the others go on).</summary>
    private void EvictLeastRecentlyUsed()
    {
        if (!_evicting.TryEnter()) return;
        try
        {
            var oldest = _entries.OrderBy(e => Volatile.Read(ref e.Value.LastUse)).Take(Math.Max(1, _entries.Count / 8)).ToList();
            foreach (var (customerId, entry) in oldest) _entries.TryRemove(new KeyValuePair<long, Entry>(customerId, entry));
            // Counted afresh: a request still adding to an entry just dropped counted its rows in the total too.
            Interlocked.Exchange(ref _rows, _entries.Values.Sum(e => (long)Volatile.Read(ref e.Count)));
        }
        finally
        {
            _evicting.Exit();
        }
    }
}
