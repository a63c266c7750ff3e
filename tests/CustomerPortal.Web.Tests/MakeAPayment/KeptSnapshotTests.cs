using System.Globalization;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.MakeAPayment;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CustomerPortal.Web.Tests.Infrastructure.PageText;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// What the selection rules read of a customer's invoices is kept between requests under the customer's invoices
/// version (<see cref="InvoiceSnapshotCache"/>): any write to one of the customer's invoices — here a plain SQL
/// statement behind the app's back, as a back-office script would — moves the version on, and the next request reads
/// the invoices afresh. The tests that count the queries saved need the cache (<see cref="CacheOnFactAttribute"/>); the
/// others run either way.
/// </summary>
public sealed class KeptSnapshotTests : IDisposable
{
    private readonly CommandCounter _commands = new();
    private readonly PortalFactory _factory;

    public KeptSnapshotTests() => _factory = new PortalFactory().WithDbInterceptors(_commands);

    public void Dispose() => _factory.Dispose();

    private async Task<List<PayableInvoice>> OldestSingleSiteAsync() =>
        (await _factory.PayableInvoicesAsync("1001")).Where(i => i.Parent is null).ToList();

    private Task<int> PaidBehindTheAppsBackAsync(long invoiceId) =>
        _factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE Invoices SET PaidCents = PaidCents + BalanceCents, BalanceCents = 0 WHERE Id = {0}", invoiceId));

    private async Task<int> QueriesAsync(Func<Task> request)
    {
        _commands.Reset();
        await request();
        return _commands.Queries;
    }

    [CacheOnFact]
    public async Task AnInvoicePaidBehindTheAppsBackDropsOutAtTheNextRequestWhichReadsTheInvoicesAgain()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var chosen = (await OldestSingleSiteAsync()).Take(3).ToList();
        foreach (var invoice in chosen)
        {
            await pay.PostFragmentAsync(
                "/pay/selection/invoice", new() { ["invoiceId"] = Text(invoice.Id), ["check"] = "true" });
        }
        await pay.PageAsync(); // the table's page is kept from here on too

        var kept = await QueriesAsync(() => pay.PageAsync());
        var overview = await pay.OverviewAsync();
        Assert.Equal((Usd(chosen.Sum(c => c.Balance)), "3"), (overview.Selected, overview.Count));
        Assert.Equal(kept, await QueriesAsync(() => pay.PageAsync()));

        await PaidBehindTheAppsBackAsync(chosen[0].Id);

        // The version moved: the snapshots and the table's page are read again (two more queries than with them kept),
        // and the paid one is out.
        Assert.Equal(kept + 2, await QueriesAsync(() => pay.PageAsync()));
        overview = await pay.OverviewAsync();
        Assert.Equal((Usd(chosen[1].Balance + chosen[2].Balance), "2"), (overview.Selected, overview.Count));
        Assert.Equal(kept, await QueriesAsync(() => pay.PageAsync())); // kept again, under the new version
    }

    [CacheOnFact]
    public async Task TheTablesPageFollowsAPaymentAndASiteRenamedBehindTheAppsBack()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var oldest = await OldestSingleSiteAsync();
        var read = await QueriesAsync(() => pay.PageAsync());
        var kept = await QueriesAsync(() => pay.PageAsync());
        Assert.Equal(read - 1, kept); // the page of rows is kept
        var first = (await pay.PageAsync()).QuerySelector("tr[data-invoice-row]")!;
        Assert.Equal("inv-" + oldest[0].Id, first.Id);

        await PaidBehindTheAppsBackAsync(oldest[0].Id);
        Assert.Equal(read, await QueriesAsync(() => pay.PageAsync())); // read again (the draft is empty: no snapshots)
        Assert.Equal("inv-" + oldest[1].Id, (await pay.PageAsync()).QuerySelector("tr[data-invoice-row]")!.Id);

        var siteId = await _factory.WithDbAsync(
            db => db.Invoices.Where(i => i.Id == oldest[1].Id).Select(i => i.SiteId).SingleAsync());
        await _factory.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE Sites SET Name = 'Renamed Yard' WHERE Id = {0}", (object)siteId!));
        var row = (await pay.PageAsync()).QuerySelector("tr[data-invoice-row]")!;
        Assert.Equal("Renamed Yard", row.QuerySelector("td[data-label=Site]")!.TextContent.Trim());
    }

    [Fact]
    public async Task WithKeepSnapshotsOffEveryPageReadsItsRowsAgain()
    {
        var commands = new CommandCounter();
        using var factory = new PortalFactory()
            .WithDbInterceptors(commands)
            .With("MakeAPayment:KeepSnapshots", "false");
        var pay = await PayPageDriver.SignedInAsync(factory, DemoAccounts.ProCustomer);
        async Task<int> CountAsync()
        {
            commands.Reset();
            await pay.PageAsync();
            return commands.Queries;
        }

        var read = await CountAsync();
        Assert.Equal(read, await CountAsync()); // kept, it would be one fewer (TheTablesPageFollows…)
        Assert.Null(factory.Services.GetService<InvoiceSnapshotCache>());
    }

    [CacheOnFact]
    public async Task AToggleBackRedrawsTheRowItKeptWithoutReadingIt()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var (a, b) = (await OldestSingleSiteAsync()) switch { var l => (l[0].Id, l[1].Id) };
        var version = await pay.VersionAsync();
        FragmentAnswer? answer = null;
        async Task<int> ToggleAsync(long id, bool check) => await QueriesAsync(async () =>
        {
            answer = await pay.ToggleAsync("/pay/selection/invoice",
                new() { ["invoiceId"] = Text(id), ["check"] = check ? "true" : "false" }, version);
            Assert.True(answer.Replaces("inv-" + id)); // answered with the row only
            version = answer.Version!;
        });

        await ToggleAsync(a, true);
        var firstTimeB = await ToggleAsync(b, true); // b's snapshot and b's row are read
        var backA = await ToggleAsync(a, false);     // a's snapshot and a's row are kept

        Assert.Equal(firstTimeB - 2, backA);
        Assert.Null(answer!["inv-" + a].QuerySelector($"#sel-{a}[checked]"));
        Assert.Equal("1", answer.Figure("invoices-to-pay"));
    }

    [Fact]
    public async Task SelectAllAfterTheOldestInvoiceWasPaidBehindTheAppsBackTakesTheNextTwoHundred()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var before = await OldestSingleSiteAsync();
        await pay.PostFragmentAsync("/pay/selection/all");
        Assert.Equal(Usd(before.Take(200).Sum(i => i.Balance)), (await pay.OverviewAsync()).Selected);

        await PaidBehindTheAppsBackAsync(before[0].Id);
        await pay.PostFragmentAsync("/pay/selection/clear");
        await pay.PostFragmentAsync("/pay/selection/all");

        var after = await OldestSingleSiteAsync();
        Assert.Equal(before[1].Id, after[0].Id);
        var overview = await pay.OverviewAsync();
        Assert.Equal((Usd(after.Take(200).Sum(i => i.Balance)), "200"), (overview.Selected, overview.Count));
        Assert.NotEqual(Usd(before.Take(200).Sum(i => i.Balance)), overview.Selected);
    }

    [Fact]
    public async Task ACustomAmountIsSplitOverTheOldestAsTheyAreNow()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("custom");
        var oldest = await _factory.WithDbAsync(async db =>
        {
            var customer = await db.Customers.Where(c => c.AccountNumber == "1001").Select(c => c.Id).SingleAsync();
            return await db.Invoices.Where(i => i.CustomerId == customer && !i.IsVoid && i.BalanceCents > 0)
                .OrderOldestFirst()
                .Select(i => new { i.Id, i.Number }).Take(2).ToListAsync();
        });
        var page = await pay.PostFragmentAsync("/pay/amount", new() { ["amount"] = "1.00" });
        Assert.Contains(oldest[0].Number, page.QuerySelector("[data-testid=allocation-preview]")!.TextContent);

        await PaidBehindTheAppsBackAsync(oldest[0].Id);
        page = await pay.PostFragmentAsync("/pay/amount", new() { ["amount"] = "1.00" });

        var preview = page.QuerySelector("[data-testid=allocation-preview]")!.TextContent;
        Assert.DoesNotContain(oldest[0].Number, preview);
        Assert.Contains(oldest[1].Number, preview);

        // The split's site names are kept too, and follow a rename made behind the app's back.
        var siteId = await _factory.WithDbAsync(
            db => db.Invoices.Where(i => i.Id == oldest[1].Id).Select(i => i.SiteId).SingleAsync());
        await _factory.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE Sites SET Name = 'Renamed Depot' WHERE Id = {0}", (object)siteId!));
        page = await pay.PostFragmentAsync("/pay/amount", new() { ["amount"] = "1.00" });
        Assert.Contains("Renamed Depot", page.QuerySelector("[data-testid=allocation-preview]")!.TextContent);
    }
}

/// <summary>The cache's own rules: one version per customer, bounded in customers and rows.</summary>
public sealed class InvoiceSnapshotCacheTests
{
    private static SnapshotRow Row(long id) =>
        new(id, null,
            "N-" + id, new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1), 100, 0, null, null, null, null, null, null);

    private static PayPageQuery.RowData Shown(long id) =>
        new(id, "N-" + id, "Yard", new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1), 100, 0, 0, 100);

    private static InvoicesAsOf At(long customer, long version) => new(customer, version);

    [Fact]
    public void RowsAreFoundOnlyUnderTheVersionTheyWereKeptUnderAndAMissingIdMeansRead()
    {
        var cache = new InvoiceSnapshotCache();
        cache.KeepSnapshots(At(7, 10), askedIds: [1, 2, 3], rows: [Row(1), Row(2)]); // 3 asked, not open

        Assert.True(cache.TryGetSnapshots(At(7, 10), [1, 3, 1], out var rows));
        Assert.Equal([1L], rows.Select(r => r.Id)); // once, and 3 known to be no open invoice
        Assert.False(cache.TryGetSnapshots(At(7, 10), [1, 4], out _)); // 4 never asked
        Assert.False(cache.TryGetSnapshots(At(7, 11), [1], out _));    // another version
        Assert.False(cache.TryGetSnapshots(At(8, 10), [1], out _));    // another customer

        cache.KeepSnapshots(At(7, 11), askedIds: [4], rows: [Row(4)]);
        Assert.True(cache.TryGetSnapshots(At(7, 11), [4], out _));
        Assert.False(cache.TryGetSnapshots(At(7, 10), [1], out _)); // the older version is dropped
        Assert.False(cache.TryGetSnapshots(At(7, 11), [1], out _));

        cache.KeepOldest(At(7, 11), new OldestKey(SingleSiteOnly: true), [Row(5), Row(6)]);
        Assert.True(cache.Oldest.TryGet(At(7, 11), new OldestKey(SingleSiteOnly: true), out var window));
        Assert.Equal([5L, 6L], window.Select(r => r.Id));
        Assert.False(cache.Oldest.TryGet(At(7, 11), new OldestKey(SingleSiteOnly: false), out _));
        Assert.False(cache.Oldest.TryGet(At(7, 12), new OldestKey(SingleSiteOnly: true), out _));
        Assert.True(cache.TryGetSnapshots(At(7, 11), [5, 6], out _)); // the window's rows are kept as snapshots too
    }

    [Fact]
    public void ACustomerWithoutATotalsRowYetHasNothingKept()
    {
        var cache = new InvoiceSnapshotCache();
        cache.KeepSnapshots(At(7, 0), askedIds: [1], rows: [Row(1)]);
        cache.Pages.Keep(At(7, 0), new PageKey(true, 0, 25), [Shown(1)]);

        Assert.False(cache.TryGetSnapshots(At(7, 0), [1], out _));
        Assert.False(cache.Pages.TryGet(At(7, 0), new PageKey(true, 0, 25), out _));
        Assert.Equal(0, cache.CustomerCount);
    }

    [Fact]
    public void ItKeepsAtMostItsCustomersAndRowsPerCustomer()
    {
        var cache = new InvoiceSnapshotCache();
        for (var customer = 1; customer <= InvoiceSnapshotCache.MaxCustomers + 10; customer++)
            cache.KeepSnapshots(At(customer, 1), [1], [Row(1)]);
        Assert.InRange(cache.CustomerCount, 1, InvoiceSnapshotCache.MaxCustomers);
        var newest = At(InvoiceSnapshotCache.MaxCustomers + 10, 1);
        Assert.True(cache.TryGetSnapshots(newest, [1], out _)); // the newest stays

        var many = Enumerable.Range(1, InvoiceSnapshotCache.MaxRowsPerCustomer + 50).Select(i => Row(i)).ToList();
        var big = At(99_999, 1);
        cache.KeepSnapshots(big, many.Select(r => -r.Id).Concat(many.Select(r => r.Id)), many); // negative: not open
        Assert.True(cache.TryGetSnapshots(big, [1], out _));
        Assert.False(cache.TryGetSnapshots(big, [InvoiceSnapshotCache.MaxRowsPerCustomer + 50], out _)); // past the cap
        Assert.False(cache.TryGetSnapshots(big, [-1], out _)); // no row was left out to mark an asked id "not open"

        // Rows in all: past MaxRows the least recently used customers go.
        var fresh = new InvoiceSnapshotCache();
        var rows = Enumerable.Range(1, InvoiceSnapshotCache.MaxRowsPerCustomer).Select(i => Row(i)).ToList();
        var customers = InvoiceSnapshotCache.MaxRows / InvoiceSnapshotCache.MaxRowsPerCustomer + 5;
        for (var customer = 1; customer <= customers; customer++)
        {
            fresh.KeepSnapshots(At(customer, 1), [], rows);
            Assert.True(fresh.TryGetSnapshots(At(1, 1), [1], out _)); // used all along: never the least recently used
        }
        Assert.InRange(fresh.RowCount, 1, InvoiceSnapshotCache.MaxRows);
        Assert.True(fresh.TryGetSnapshots(At(customers, 1), rows.Select(r => r.Id).ToList(), out var last));
        Assert.Equal(rows.Count, last.Count);
        Assert.True(fresh.TryGetSnapshots(At(1, 1), [1], out _));
        Assert.False(fresh.TryGetSnapshots(At(2, 1), [1], out _)); // the least recently used went
    }

    [Fact]
    public void AnswersAndSiteNamesAreKeptUnderTheirVersionAndWithinTheBounds()
    {
        var cache = new InvoiceSnapshotCache();
        IReadOnlyList<PayPageQuery.RowData> page = [Shown(1), Shown(2), Shown(3)];
        cache.Pages.Keep(At(7, 10), new PageKey(true, 0, 25), page);
        cache.Rows.Keep(At(7, 10), new RowKey(4), []); // not an open single-site invoice: known to have no row
        cache.KeepSiteNames(At(7, 10), new Dictionary<long, string> { [1] = "Yard", [2] = "" });

        Assert.True(cache.Pages.TryGet(At(7, 10), new PageKey(true, 0, 25), out var kept));
        Assert.Same(page, kept);
        Assert.False(cache.Pages.TryGet(At(7, 10), new PageKey(true, 25, 25), out _));
        Assert.False(cache.Pages.TryGet(At(7, 10), new PageKey(false, 0, 25), out _));
        Assert.False(cache.Pages.TryGet(At(7, 11), new PageKey(true, 0, 25), out _));
        Assert.True(cache.Rows.TryGet(At(7, 10), new RowKey(4), out var none) && none.Count == 0);
        Assert.False(cache.Rows.TryGet(At(7, 10), new RowKey(1), out _));
        Assert.True(cache.TryGetSiteNames(At(7, 10), [1, 2], out var names));
        Assert.Equal(("Yard", ""), (names[1], names[2]));
        Assert.False(cache.TryGetSiteNames(At(7, 10), [1, 3], out _));
        Assert.False(cache.TryGetSiteNames(At(7, 11), [1], out _));

        var big = Enumerable.Range(1, InvoiceSnapshotCache.MaxRowsPerCustomer + 1).Select(i => Shown(i)).ToArray();
        cache.Pages.Keep(At(8, 1), new PageKey(false, 0, big.Length), big); // more than one customer may keep
        Assert.False(cache.Pages.TryGet(At(8, 1), new PageKey(false, 0, big.Length), out _));
    }

    [Fact]
    public void AnOlderVersionDoesNotReplaceANewerOneInUse()
    {
        var cache = new InvoiceSnapshotCache();
        cache.KeepSnapshots(At(7, 11), askedIds: [1], rows: [Row(1)]);
        cache.KeepSnapshots(At(7, 10), askedIds: [2], rows: [Row(2)]); // read the version before it moved

        Assert.True(cache.TryGetSnapshots(At(7, 11), [1], out _));
        Assert.False(cache.TryGetSnapshots(At(7, 10), [2], out _));
        Assert.False(cache.TryGetSnapshots(At(7, 11), [2], out _));
    }
}
