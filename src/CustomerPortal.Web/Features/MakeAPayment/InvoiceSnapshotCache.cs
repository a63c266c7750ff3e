using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CustomerPortal.Infrastructure.Data;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// What <see cref="KeptInvoiceReadModel"/> keeps between requests (a singleton), each kind typed by its key: the
/// rules' snapshots (<see cref="SnapshotRow"/>s without totals, site or parent details) by invoice id, site names by
/// invoice id, and answers (<see cref="KeptAnswers{TKey,TValue}"/>): the table's default-order pages, toggled rows and
/// the oldest windows. Everything is kept under the customer's invoices version
/// (<see cref="CustomerInvoiceTotals.InvoicesVersion"/>): a number the database moves on, in the same transaction, with
/// every insert, update or delete of one of the customer's invoices, and every rename, move or delete of a site they
/// show, whoever writes it.
/// </summary>
/// <remarks>
/// The version rule lives here and only here (<see cref="Current"/>, <see cref="EntryFor"/>): a request reads the
/// version with its overview before anything else of the invoices (<see cref="InvoicesAsOf"/> is made only from the
/// overview's sums); it is served only what was kept under that version, and what it read is kept under it, so nothing
/// kept is older than its version; a newer version replaces the kept one, an older one never does (unless the kept one
/// has been idle for 30 s: a database made anew). Nothing that moves money reads this: the payment's plan and the
/// write-ahead read the invoices afresh (<see cref="Payments.PaymentPlanner"/>). A process keeps at most
/// <see cref="MaxRows"/> rows in all (about 300 bytes each with the dictionary's node: ~15 MB), at most
/// <see cref="MaxRowsPerCustomer"/> for one customer and at most <see cref="MaxCustomers"/> customers; past a limit the
/// least recently used customers go first, and rows past a customer's limit are read but not kept.
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

    public InvoiceSnapshotCache()
    {
        Pages = new(this, static e => e.Pages, static rows => rows.Count);
        Rows = new(this, static e => e.Rows, static rows => rows.Count);
        Oldest = new(this, static e => e.Oldest, static _ => 0); // its rows are counted once, as snapshots
    }

    /// <summary>The table's pages in the default order.</summary>
    public KeptAnswers<PageKey, IReadOnlyList<PayPageQuery.RowData>> Pages { get; }

    /// <summary>Toggled single-site rows (none: the invoice is not the customer's open single-site invoice).</summary>
    public KeptAnswers<RowKey, IReadOnlyList<PayPageQuery.RowData>> Rows { get; }

    /// <summary>The oldest windows (kept by <see cref="KeepOldest"/>, with their rows as snapshots).</summary>
    public KeptAnswers<OldestKey, IReadOnlyList<SnapshotRow>> Oldest { get; }

    /// <summary>One customer's kept answers under one version.</summary>
    internal sealed class Entry(long version, long use)
    {
        public long Version { get; } = version;
        public long LastUse = use; // order of use, for "least recently used" (ties-free, unlike a clock)
        /// <summary>The rules' snapshots by invoice id; an id that was asked for and is not open has null.</summary>
        public ConcurrentDictionary<long, SnapshotRow?> Snapshots { get; } = new();
        public int Count; // rows kept for this customer, without taking every lock of the dictionaries
        public long LastUsedAt = Environment.TickCount64;
        public ConcurrentDictionary<long, string> SiteNames { get; } = new();
        public ConcurrentDictionary<PageKey, IReadOnlyList<PayPageQuery.RowData>> Pages { get; } = new();
        public ConcurrentDictionary<RowKey, IReadOnlyList<PayPageQuery.RowData>> Rows { get; } = new();
        public ConcurrentDictionary<OldestKey, IReadOnlyList<SnapshotRow>> Oldest { get; } = new();
    }

    /// <summary>
    /// Answers of one kind, kept per customer under the invoices version: a typed key, a typed answer, and how many
    /// rows the answer counts against the bounds.
    /// </summary>
    public sealed class KeptAnswers<TKey, TValue>
        where TKey : notnull
        where TValue : class
    {
        private readonly InvoiceSnapshotCache _cache;
        private readonly Func<Entry, ConcurrentDictionary<TKey, TValue>> _kind;
        private readonly Func<TValue, int> _rowsOf;

        internal KeptAnswers(InvoiceSnapshotCache cache, Func<Entry, ConcurrentDictionary<TKey, TValue>> kind,
            Func<TValue, int> rowsOf) => (_cache, _kind, _rowsOf) = (cache, kind, rowsOf);

        /// <summary>The answer kept under <paramref name="at"/>'s version, if any.</summary>
        public bool TryGet(InvoicesAsOf at, TKey key, [MaybeNullWhen(false)] out TValue value)
        {
            value = null;
            return _cache.Current(at) is { } entry && _kind(entry).TryGetValue(key, out value);
        }

        /// <summary>Keeps an answer read under <paramref name="at"/>'s version (read before the answer was).</summary>
        public void Keep(InvoicesAsOf at, TKey key, TValue value)
        {
            var rows = _rowsOf(value);
            if (_cache.EntryFor(at) is not { } entry || !_cache.Room(entry)
                || Volatile.Read(ref entry.Count) + rows > MaxRowsPerCustomer)
                return;
            if (!_kind(entry).TryAdd(key, value)) return;
            Interlocked.Add(ref entry.Count, rows);
            Interlocked.Add(ref _cache._rows, rows);
        }
    }

    /// <summary>How many customers are kept now (for tests).</summary>
    public int CustomerCount => _entries.Count;

    /// <summary>How many rows are kept now, about (for tests).</summary>
    public long RowCount => Interlocked.Read(ref _rows);

    /// <summary>
    /// The kept snapshots of the open invoices among <paramref name="ids"/>, when every one of them was answered under
    /// <paramref name="at"/>'s version (an id that is not an open invoice of the customer is simply not in the list).
    /// </summary>
    public bool TryGetSnapshots(InvoicesAsOf at, IReadOnlyCollection<long> ids, out List<SnapshotRow> rows)
    {
        rows = [];
        if (Current(at) is not { } entry) return false;
        var found = new List<SnapshotRow>(ids.Count);
        var seen = new HashSet<long>(ids.Count);
        foreach (var id in ids)
        {
            if (!entry.Snapshots.TryGetValue(id, out var row)) return false;
            if (row is not null && seen.Add(id)) found.Add(row);
        }
        rows = found;
        return true;
    }

    /// <summary>Keeps what one read answered under <paramref name="at"/>'s version (read before the rows).</summary>
    public void KeepSnapshots(InvoicesAsOf at, IEnumerable<long> askedIds, IReadOnlyCollection<SnapshotRow> rows)
    {
        if (EntryFor(at) is not { } entry) return;
        // Every row before any "not open" mark: an id is then kept with its row, kept as not open, or not kept at all.
        foreach (var row in rows)
        {
            if (!Room(entry)) return;
            if (entry.Snapshots.TryAdd(row.Id, row)) Counted(entry);
            else entry.Snapshots[row.Id] = row;
        }
        foreach (var id in askedIds)
        {
            if (!Room(entry)) return;
            if (entry.Snapshots.TryAdd(id, null)) Counted(entry);
        }
    }

    /// <summary>Keeps an oldest window as an answer, and each of its rows as an open invoice's snapshot.</summary>
    public void KeepOldest(InvoicesAsOf at, OldestKey window, IReadOnlyList<SnapshotRow> rows)
    {
        KeepSnapshots(at, [], rows);
        Oldest.Keep(at, window, rows);
    }

    /// <summary>The kept site names of <paramref name="invoiceIds"/>, when every one is kept under this version.</summary>
    public bool TryGetSiteNames(InvoicesAsOf at, IReadOnlyCollection<long> invoiceIds,
        out Dictionary<long, string> names)
    {
        names = new Dictionary<long, string>(invoiceIds.Count);
        if (Current(at) is not { } entry) return false;
        foreach (var id in invoiceIds)
        {
            if (!entry.SiteNames.TryGetValue(id, out var name)) return false;
            names[id] = name;
        }
        return true;
    }

    public void KeepSiteNames(InvoicesAsOf at, IReadOnlyDictionary<long, string> names)
    {
        if (EntryFor(at) is not { } entry) return;
        foreach (var (id, name) in names)
        {
            if (!Room(entry)) return;
            if (entry.SiteNames.TryAdd(id, name)) Counted(entry);
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

    // ---- The version rule: the only code that decides what a version may see and replace. ----

    /// <summary>
    /// The entry kept for exactly <paramref name="at"/>'s version, or null (none kept, another version, or version 0:
    /// the customer has no totals row yet, so nothing is kept for it).
    /// </summary>
    private Entry? Current(InvoicesAsOf at)
    {
        if (at.Version == 0 || !_entries.TryGetValue(at.CustomerId, out var entry) || entry.Version != at.Version)
            return null;
        Volatile.Write(ref entry.LastUsedAt, Environment.TickCount64);
        Volatile.Write(ref entry.LastUse, Interlocked.Increment(ref _uses));
        return entry;
    }

    /// <summary>
    /// The entry for this version: the kept one, or a new one when the kept one is older. Null when a newer one is kept
    /// (this request read the version before another request saw it move: what it read is not kept) and for version 0.
    /// A kept version no request has used for <see cref="IdleMilliseconds"/> gives way to any other (a database made
    /// anew starts elsewhere).
    /// </summary>
    private Entry? EntryFor(InvoicesAsOf at)
    {
        if (at.Version == 0) return null;
        var (customerId, version) = (at.CustomerId, at.Version);
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
