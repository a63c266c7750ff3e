using System.Globalization;
using CustomerPortal.Infrastructure.Seeding;
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
    private readonly SqlRecorder _sql = new();
    private readonly PortalFactory _factory;

    public SqlitePerformanceTests() => _factory = new PortalFactory().WithDbInterceptors(_sql);

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task TheSingleSiteTableIsReadFromTheCoveringIndexInDateOrder()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        _sql.Clear();

        await pay.PageAsync(); // the default: single-site invoices, oldest first

        // The page of the table, as the app sent it.
        var sql = _sql.Single("FROM \"Invoices\"", "\"MultiSiteInvoiceId\" IS NULL", "ORDER BY", "LIMIT");
        var plan = await _factory.WithDbAsync(db => SqlRecorder.PlanAsync(db, sql));
        Assert.Contains("IX_Invoices_OpenByCustomer (CustomerId=? AND IsVoid=? AND MultiSiteInvoiceId=?)",
            plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("date", "desc", "IX_Invoices_Open")]
    [InlineData("due", "asc", "IX_Invoices_ByDueDate")]
    [InlineData("due", "desc", "IX_Invoices_ByDueDate")]
    [InlineData("number", "asc", "IX_Invoices_ByNumber")]
    [InlineData("number", "desc", "IX_Invoices_ByNumber")]
    [InlineData("balance", "asc", "IX_Invoices_ByBalanceCents")]
    [InlineData("balance", "desc", "IX_Invoices_ByBalanceCents")]
    public async Task TheTableSortedByAnyColumnIsReadInThatOrderFromAnIndexWithoutASort(
        string sort, string direction, string index)
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        _sql.Clear();

        await pay.PageAsync($"?sort={sort}&dir={direction}");

        var sql = _sql.Single("FROM \"Invoices\"", "\"MultiSiteInvoiceId\" IS NULL", "ORDER BY", "LIMIT");
        var plan = await _factory.WithDbAsync(db => SqlRecorder.PlanAsync(db, sql));
        Assert.Contains(index, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectAllReadsTheOldestFromTheIndexAloneInFullOrder()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.PageAsync();
        _sql.Clear();

        await pay.PostFragmentAsync("/pay/selection/all");

        // "Select all"'s oldest-201 window: what the rules need, oldest first down to number and id.
        // (With the snapshot cache off the answer's table page is read again too: LIMIT @take, not the window.)
        var window = "LIMIT " + Domain.Selection.InvoiceSelection.OldestWindow.ToString(CultureInfo.InvariantCulture);
        var sql = _sql.Single("\"BalanceCents\" > 0", "\"MultiSiteInvoiceId\" IS NULL", "ORDER BY", window);
        var plan = await _factory.WithDbAsync(db => SqlRecorder.PlanAsync(db, sql));
        Assert.Contains("COVERING INDEX IX_Invoices_OpenByCustomer", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
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
            return (Journal: await Pragma("journal_mode"),
                BusyTimeout: await Pragma("busy_timeout"), Synchronous: await Pragma("synchronous"),
                AutoCheckpoint: await Pragma("wal_autocheckpoint"));
        });
        // synchronous 1 = NORMAL; checkpoints in the background (SqliteCheckpointer)
        Assert.Equal(("wal", "30000", "1", "20000"), settings);
    }
}
