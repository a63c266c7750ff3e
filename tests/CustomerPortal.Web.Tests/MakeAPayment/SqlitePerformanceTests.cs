using System.Globalization;
using CustomerPortal.Infrastructure.Drafts;
using CustomerPortal.Web.Features.MakeAPayment;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// What the page's speed on SQLite rests on (docs/benchmarks.md): the open-invoice filter reaches the covering index
/// by (CustomerId, IsVoid, MultiSiteInvoiceId) and reads the rows already in date order, and every connection waits
/// for the write lock inside SQLite and does not sync each commit once the file is in WAL.
/// </summary>
public sealed class SqlitePerformanceTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TheSingleSiteTableIsReadFromTheCoveringIndexInDateOrder()
    {
        _ = _factory.Server; // migrated, seeded, in WAL
        var plan = await _factory.WithDbAsync(db => PlanAsync(db,
            new PayRequest(db, new InvoiceReadModel(db), new DraftStore(db)).Queries.Open(1)
            .Where(i => i.MultiSiteInvoiceId == null)
            .OrderBy(i => i.InvoiceDate).ThenBy(i => i.DueDate).Select(i => i.Id)));
        Assert.Contains("IX_Invoices_OpenByCustomer (CustomerId=? AND IsVoid=? AND MultiSiteInvoiceId=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectAllReadsTheOldestFromTheIndexAloneInFullOrder()
    {
        _ = _factory.Server;
        // The shape of "select all"'s oldest-201 window: what the rules need, oldest first down to number and id.
        var plan = await _factory.WithDbAsync(db => PlanAsync(db, OpenInvoiceQueries.OrderOldestFirst(OpenInvoiceQueries.NotVoid(db.Invoices.AsNoTracking(), 1)
                .Where(i => i.BalanceCents > 0 && i.MultiSiteInvoiceId == null))
            .Take(OpenInvoiceQueries.Window)
            .Select(i => new { i.Id, i.MultiSiteInvoiceId, i.Number, i.InvoiceDate, i.DueDate, i.BalanceCents, i.PendingCents })));
        Assert.Contains("COVERING INDEX IX_Invoices_OpenByCustomer", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    /// <summary>SQLite's plan for a query, one line per step.</summary>
    private static async Task<string> PlanAsync<T>(CustomerPortal.Infrastructure.Data.AppDbContext db, IQueryable<T> query)
    {
        await db.Database.OpenConnectionAsync();
        await using var cmd = query.CreateDbCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + cmd.CommandText;
        var lines = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task ConnectionsWaitForTheWriteLockInSqliteAndDoNotSyncEveryCommit()
    {
        _ = _factory.Server;
        var settings = await _factory.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            async Task<string> Pragma(string name)
            {
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = "PRAGMA " + name;
                return Convert.ToString(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
            }
            return (Journal: await Pragma("journal_mode"), BusyTimeout: await Pragma("busy_timeout"), Synchronous: await Pragma("synchronous"),
                AutoCheckpoint: await Pragma("wal_autocheckpoint"));
        });
        Assert.Equal(("wal", "30000", "1", "20000"), settings); // synchronous 1 = NORMAL; checkpoints in the background (SqliteCheckpointer)
    }
}
