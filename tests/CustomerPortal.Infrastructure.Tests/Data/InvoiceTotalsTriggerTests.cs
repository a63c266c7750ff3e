using CustomerPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>
/// The triggers of migration CustomerInvoiceTotals keep each customer's stored open-invoice totals equal to a fresh
/// aggregate over the invoices, whatever writes them: checked after every one of many random inserts, updates
/// (payments, pending amounts, voids, moves between customers and parents) and deletes, on a database built by the real
/// migrations.
/// </summary>
public sealed class InvoiceTotalsTriggerTests : IAsyncLifetime
{
    private readonly string _file =
        Path.Combine(Path.GetTempPath(), "cp-totals-" + Guid.NewGuid().ToString("N") + ".db");
    private SqliteAppDbContext _db = null!;

    public async Task InitializeAsync()
    {
        _db = new SqliteAppDbContext(
            new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={_file}").Options);
        await _db.Database.MigrateAsync();
        await Sql("""
            INSERT INTO Companies (Name, Address_Line1, Address_City, Address_Region, Address_PostalCode,
                Address_Country, TimeZoneId, Currency, Plan)
            VALUES ('Co', '1 Main', 'Town', 'TX', '75001', 'US', 'America/Chicago', 'USD', 'Pro');
            INSERT INTO Customers (CompanyId, ExternalId, AccountNumber, Name, BillingAddress_Line1,
                BillingAddress_City, BillingAddress_Region, BillingAddress_PostalCode, BillingAddress_Country)
            VALUES (1, 'c1', '1', 'One', '1 Main', 'Town', 'TX', '75001', 'US'),
                   (1, 'c2', '2', 'Two', '1 Main', 'Town', 'TX', '75001', 'US');
            INSERT INTO Sites (CustomerId, ExternalId, Name, Address_Line1, Address_City, Address_Region,
                Address_PostalCode, Address_Country)
            VALUES (1, 's1', 'Site 1', '1 Main', 'Town', 'TX', '75001', 'US'),
                   (2, 's2', 'Site 2', '1 Main', 'Town', 'TX', '75001', 'US');
            INSERT INTO MultiSiteInvoices (CustomerId, ExternalId, Number, InvoiceDate, DueDate, IsVoid)
            VALUES (1, 'm1', 'M-1', '2026-01-01', '2026-01-31', 0), (2, 'm2', 'M-2', '2026-01-01', '2026-01-31', 0);
            """);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task StoredTotalsFollowEveryInsertUpdateAndDelete()
    {
        var rng = new Random(20261126);
        var next = 0;
        var operations = 0;
        for (var step = 0; step < 400; step++)
        {
            var ids = await _db.Database.SqlQueryRaw<long>("SELECT Id AS \"Value\" FROM Invoices").ToListAsync();
            var id = ids.Count == 0 ? 0 : ids[rng.Next(ids.Count)];
            var kind = ids.Count < 5 ? 0 : rng.Next(9);
            switch (kind)
            {
                case 0: // insert: open or already paid, single-site or a child, either customer
                {
                    var customer = rng.Next(1, 3);
                    var total = rng.Next(1, 50_000);
                    var paid = rng.Next(4) == 0 ? total : 0;
                    var parent = rng.Next(3) == 0 ? (object)customer : DBNull.Value;
                    next++;
                    await Sql($"""
                        INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate,
                            DueDate, SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid,
                            Version)
                        VALUES ({customer}, {customer}, {(parent is DBNull ? "NULL" : parent)}, 'x{next}', 'N-{next}',
                            '2026-02-01', '2026-03-01', {total}, 0, {total}, {paid}, 0, {total - paid},
                            {rng.Next(6) == 0}, 1)
                        """);
                    break;
                }
                case 1: // a payment starts: part of the balance moves to pending
                    await Sql("UPDATE Invoices SET PendingCents = PendingCents + BalanceCents / 2, "
                        + $"BalanceCents = BalanceCents - BalanceCents / 2 WHERE Id = {id}");
                    break;
                case 2: // pending settles
                    await Sql(
                        $"UPDATE Invoices SET PaidCents = PaidCents + PendingCents, PendingCents = 0 WHERE Id = {id}");
                    break;
                case 3: // pending fails (ACH return): back to the balance
                    await Sql("UPDATE Invoices SET BalanceCents = BalanceCents + PendingCents, PendingCents = 0 "
                        + $"WHERE Id = {id}");
                    break;
                case 4: // paid in full offline
                    await Sql(
                        $"UPDATE Invoices SET PaidCents = TotalCents - PendingCents, BalanceCents = 0 WHERE Id = {id}");
                    break;
                case 5: // void or un-void
                    await Sql($"UPDATE Invoices SET IsVoid = 1 - IsVoid WHERE Id = {id}");
                    break;
                case 6: // moved to the other customer (with that customer's site and parent, if any)
                    await Sql($"""
                        UPDATE Invoices SET CustomerId = 3 - CustomerId, SiteId = 3 - SiteId,
                            MultiSiteInvoiceId =
                                CASE WHEN MultiSiteInvoiceId IS NULL THEN NULL ELSE 3 - MultiSiteInvoiceId END
                        WHERE Id = {id}
                        """);
                    break;
                case 7: // becomes a child of a multi-site invoice, or single-site again
                    await Sql("UPDATE Invoices SET MultiSiteInvoiceId = "
                        + $"CASE WHEN MultiSiteInvoiceId IS NULL THEN CustomerId ELSE NULL END WHERE Id = {id}");
                    break;
                // deleted (the back office removes a mistaken invoice), or several rows changed in one statement
                default:
                    if (rng.Next(2) == 0) await Sql($"DELETE FROM Invoices WHERE Id = {id}");
                    else
                    {
                        await Sql("UPDATE Invoices SET TotalCents = TotalCents + 100, "
                            + "BalanceCents = BalanceCents + 100 "
                            + $"WHERE CustomerId = {rng.Next(1, 3)} AND IsVoid = 0");
                    }
                    break;
            }
            operations++;
            var drifted = await _db.Database.SqlQueryRaw<long>(InvoiceTotalsTriggers.DriftQuery).ToListAsync();
            Assert.True(drifted.Count == 0,
                $"after operation {operations} (kind {kind} on invoice {id}) "
                + $"customers {string.Join(", ", drifted)} drifted");
        }

        // The test must be able to fail: it did something to both customers, and a hand-made drift is seen.
        var totals = await _db.CustomerInvoiceTotals.AsNoTracking().OrderBy(t => t.CustomerId).ToListAsync();
        Assert.Equal(2, totals.Count);
        Assert.All(totals, t => Assert.True(t.OpenCount > 0 && t.BalanceCents > 0));
        await Sql("UPDATE CustomerInvoiceTotals SET BalanceCents = BalanceCents + 1 WHERE CustomerId = 2");
        Assert.Equal([2L], await _db.Database.SqlQueryRaw<long>(InvoiceTotalsTriggers.DriftQuery).ToListAsync());
    }

    [Fact]
    public async Task TotalsCountOnlyOpenInvoicesAndSplitSingleSiteAndPayable()
    {
        await Sql("""
            INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, DueDate,
                SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, Version) VALUES
            (1, 1, NULL, 'a', 'A', '2026-01-01', '2026-02-01', 1000, 0, 1000, 0, 0, 1000, 0, 1),
            (1, 1, NULL, 'b', 'B', '2026-01-01', '2026-02-01', 2000, 0, 2000, 0, 2000, 0, 0, 1),
            (1, 1, 1, 'c', 'C', '2026-01-01', '2026-02-01', 3000, 0, 3000, 1000, 500, 1500, 0, 1),
            (1, 1, NULL, 'd', 'D', '2026-01-01', '2026-02-01', 4000, 0, 4000, 4000, 0, 0, 0, 1),
            (1, 1, NULL, 'e', 'E', '2026-01-01', '2026-02-01', 5000, 0, 5000, 0, 0, 5000, 1, 1)
            """);
        var t = await _db.CustomerInvoiceTotals.AsNoTracking().SingleAsync();
        Assert.Equal(1, t.CustomerId);
        Assert.Equal(3, t.OpenCount);              // A, B (pending only), C; not D (paid) or E (void)
        Assert.Equal(2, t.OpenSingleSiteCount);    // A, B
        Assert.Equal(1, t.PayableSingleSiteCount); // A (B has nothing left to pay)
        Assert.Equal(2500, t.BalanceCents);
        Assert.Equal(2500, t.PendingCents);
    }

    [Fact]
    public async Task EveryWriteOfAnInvoiceMovesItsCustomersVersionOnAndNoOtherCustomers()
    {
        const string Columns = "CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, DueDate, "
            + "SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, Version";
        await Sql($"INSERT INTO Invoices ({Columns}) "
            + "VALUES (1, 1, NULL, 'a', 'A', '2026-01-01', '2026-02-01', 1000, 0, 1000, 0, 0, 1000, 0, 1)");
        await Sql($"INSERT INTO Invoices ({Columns}) " // paid
            + "VALUES (2, 2, NULL, 'b', 'B', '2026-01-01', '2026-02-01', 1000, 0, 1000, 1000, 0, 0, 0, 1)");
        var (one, two) = (await VersionOf(1), await VersionOf(2));
        Assert.True(one > 0 && two > 0, $"versions {one}, {two}");
        Assert.NotEqual(one, two); // each starts at a random number

        // (what changes, which customers' versions must move)
        (string Sql, long[] Moved)[] steps =
        [
            ("UPDATE Invoices SET Number = 'A-1' WHERE ExternalId = 'a'", [1]),             // no total changes
            ("UPDATE Invoices SET DueDate = '2026-03-01' WHERE ExternalId = 'a'", [1]),
            ("UPDATE Invoices SET PendingCents = 500, BalanceCents = 500 WHERE ExternalId = 'a'", [1]),
            ("UPDATE Invoices SET Number = 'B-1' WHERE ExternalId = 'b'", [2]),             // a paid invoice
            ("UPDATE Invoices SET Number = 'none' WHERE ExternalId = 'nothing'", []),        // no row
            ($"INSERT INTO Invoices ({Columns}) " // void
                + "VALUES (1, 1, 1, 'c', 'C', '2026-01-01', '2026-02-01', 10, 0, 10, 0, 0, 10, 1, 1)", [1]),
            ("UPDATE Invoices SET CustomerId = 2, SiteId = 2, MultiSiteInvoiceId = 2 WHERE ExternalId = 'c'", [1, 2]),
            ("DELETE FROM Invoices WHERE ExternalId = 'c'", [2]),
            // several rows, both customers
            ("UPDATE Invoices SET Number = Number || '-2'", [1, 2]),
            // a site's name is shown with its invoices
            ("UPDATE Sites SET Name = 'Yard 1' WHERE Id = 1", [1]),
            ("UPDATE Sites SET Name = 'Yard 2' WHERE Id = 99", []),
            // moved: customer 1's invoices still point at it
            ("UPDATE Sites SET CustomerId = 2 WHERE Id = 1", [1, 2]),
            // renamed: its owner and its invoices' customer
            ("UPDATE Sites SET Name = 'Yard 1b' WHERE Id = 1", [1, 2]),
            ("UPDATE Sites SET CustomerId = 1 WHERE Id = 1", [1, 2]),
            // not shown with the invoices
            ("UPDATE Sites SET Address_City = 'Elsewhere' WHERE Id = 1", []),
            ("UPDATE Invoices SET IsVoid = 1 WHERE ExternalId IN ('a', 'b')", [1, 2]),
        ];
        foreach (var (sql, moved) in steps)
        {
            var before = (await VersionOf(1), await VersionOf(2));
            await Sql(sql);
            var after = (await VersionOf(1), await VersionOf(2));
            Assert.True(moved.Contains(1) ? after.Item1 > before.Item1 : after.Item1 == before.Item1,
                $"customer 1 after {sql}: {before.Item1} → {after.Item1}");
            Assert.True(moved.Contains(2) ? after.Item2 > before.Item2 : after.Item2 == before.Item2,
                $"customer 2 after {sql}: {before.Item2} → {after.Item2}");
        }
        // The totals still hold.
        Assert.Empty(await _db.Database.SqlQueryRaw<long>(InvoiceTotalsTriggers.DriftQuery).ToListAsync());
    }

    [Fact]
    public async Task TheVersionTriggersAreInstalled()
    {
        var triggers = await _db.Database
            .SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'trigger'")
            .ToListAsync();
        Assert.All(InvoiceTotalsTriggers.VersionTriggers.Concat(InvoiceTotalsTriggers.SitesVersionTriggers),
            name => Assert.Contains(name, triggers));
    }

    [Fact]
    public async Task TheMigrationGivesEveryCustomerWithInvoicesAVersionAndKeepsTheTotals()
    {
        // A database as it was before migration InvoicesVersion, with invoices: customer 2's only invoice is paid, so
        // the totals triggers never made it a row.
        var file = Path.Combine(Path.GetTempPath(), "cp-version-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var db = new SqliteAppDbContext(
                new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file}").Options);
            var migrator = db.GetService<IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            var before = all[all.FindIndex(m => m.EndsWith("_InvoicesVersion", StringComparison.Ordinal)) - 1];
            await migrator.MigrateAsync(before);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO Companies (Name, Address_Line1, Address_City, Address_Region, Address_PostalCode,
                    Address_Country, TimeZoneId, Currency, Plan)
                VALUES ('Co', '1 Main', 'Town', 'TX', '75001', 'US', 'America/Chicago', 'USD', 'Pro');
                INSERT INTO Customers (CompanyId, ExternalId, AccountNumber, Name, BillingAddress_Line1,
                    BillingAddress_City, BillingAddress_Region, BillingAddress_PostalCode, BillingAddress_Country)
                VALUES (1, 'c1', '1', 'One', '1 Main', 'Town', 'TX', '75001', 'US'),
                       (1, 'c2', '2', 'Two', '1 Main', 'Town', 'TX', '75001', 'US'),
                       (1, 'c3', '3', 'Three', '1 Main', 'Town', 'TX', '75001', 'US');
                INSERT INTO Sites (CustomerId, ExternalId, Name, Address_Line1, Address_City, Address_Region,
                    Address_PostalCode, Address_Country)
                VALUES (1, 's1', 'Site 1', '1 Main', 'Town', 'TX', '75001', 'US'),
                       (2, 's2', 'Site 2', '1 Main', 'Town', 'TX', '75001', 'US');
                INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, DueDate,
                    SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, Version) VALUES
                (1, 1, NULL, 'a', 'A', '2026-01-01', '2026-02-01', 1000, 0, 1000, 0, 0, 1000, 0, 1),
                (2, 2, NULL, 'b', 'B', '2026-01-01', '2026-02-01', 1000, 0, 1000, 1000, 0, 0, 0, 1);
                """);
            Assert.Equal([1L], await db.CustomerInvoiceTotals.AsNoTracking().Select(t => t.CustomerId).ToListAsync());

            await db.Database.MigrateAsync();

            var rows = await db.CustomerInvoiceTotals.AsNoTracking().OrderBy(t => t.CustomerId).ToListAsync();
            Assert.Equal([1L, 2L], rows.Select(t => t.CustomerId)); // customer 3 has no invoices
            Assert.All(rows, t => Assert.True(t.InvoicesVersion > 0));
            Assert.NotEqual(rows[0].InvoicesVersion, rows[1].InvoicesVersion);
            Assert.Equal((1, 1000L), (rows[0].OpenCount, rows[0].BalanceCents));
            Assert.Equal((0, 0L), (rows[1].OpenCount, rows[1].BalanceCents));
            Assert.Empty(await db.Database.SqlQueryRaw<long>(InvoiceTotalsTriggers.DriftQuery).ToListAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    private async Task<long> VersionOf(long customerId) =>
        await _db.CustomerInvoiceTotals.AsNoTracking()
            .Where(t => t.CustomerId == customerId)
            .Select(t => t.InvoicesVersion)
            .SingleAsync();

    private Task<int> Sql(string sql) => _db.Database.ExecuteSqlRawAsync(sql);
}
