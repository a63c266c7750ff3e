using System.Text.RegularExpressions;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>
/// The domain's invoice rules where SQL runs them: EF's translation (<see cref="InvoiceQueryRules"/>), the hand-written
/// predicate (<see cref="OpenInvoiceRule.OpenSql"/>, the totals check), the migrations' triggers, and the indexes that
/// read invoices oldest first. Each agrees with the rule as the domain states it, on a table of cases, on a database
/// built by the real migrations.
/// </summary>
public sealed partial class InvoiceRulesInSqlTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"cp-rules-{Guid.NewGuid():N}.db");
    private SqliteAppDbContext _db = null!;


    /// <summary>Customer 1's invoices: (case, parent, paid, pending, void, due date, open, payable), each of 1000
    /// cents.</summary>
    private static readonly
        (string Case, long? Parent, int Paid, int Pending, bool Void, string Due, bool Open, bool Payable)[] Cases =
    [
        ("new", null, 0, 0, false, "2026-02-01", true, true),
        ("partly paid", null, 400, 0, false, "2026-02-02", true, true),
        ("partly pending", null, 0, 400, false, "2026-02-03", true, true),
        ("all pending", null, 0, 1000, false, "2026-02-04", true, false),
        ("paid", null, 1000, 0, false, "2026-02-05", false, false),
        ("void", null, 0, 0, true, "2026-02-06", false, false),
        ("child", 1, 0, 0, false, "2026-02-07", true, true),
        ("child all pending", 1, 0, 1000, false, "2026-02-07", true, false),
        ("paid child", 1, 1000, 0, false, "2026-02-07", false, false),
        ("void child", 1, 0, 0, true, "2026-02-07", false, false),
    ];

    public async Task InitializeAsync()
    {
        _db = new SqliteAppDbContext(
            new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={_file}").Options);
        await _db.Database.MigrateAsync();
        await _db.Database.ExecuteSqlRawAsync("""
            INSERT INTO Companies (Name, Address_Line1, Address_City, Address_Region, Address_PostalCode,
                Address_Country, TimeZoneId, Currency, Plan)
            VALUES ('Co', '1 Main', 'Town', 'TX', '75001', 'US', 'America/Chicago', 'USD', 'Pro');
            INSERT INTO Customers (CompanyId, ExternalId, AccountNumber, Name, BillingAddress_Line1,
                BillingAddress_City, BillingAddress_Region, BillingAddress_PostalCode, BillingAddress_Country)
            VALUES (1, 'c1', '1', 'One', '1 Main', 'Town', 'TX', '75001', 'US'),
                (1, 'c2', '2', 'Two', '1 Main', 'Town', 'TX', '75001', 'US');
            INSERT INTO MultiSiteInvoices (CustomerId, ExternalId, Number, InvoiceDate, DueDate, IsVoid)
            VALUES (1, 'm1', 'M-1', '2026-01-01', '2026-02-07', 0);
            """);
        foreach (var c in Cases) await InsertAsync(1, c.Parent, c.Case, "2026-01-01", c.Due, c.Paid, c.Pending, c.Void);
    }

    /// <summary>An invoice of 1000 cents as the back office might write it, straight into the table.</summary>
    private Task InsertAsync(
        long customer, long? parent, string number, string date, string due, int paid, int pending, bool isVoid)
    {
        var externalId = Guid.NewGuid().ToString("N");
        var balance = 1000 - paid - pending;
        return _db.Database.ExecuteSqlAsync($"""
            INSERT INTO Invoices (CustomerId, SiteId, MultiSiteInvoiceId, ExternalId, Number, InvoiceDate, DueDate,
                SubtotalCents, TaxCents, TotalCents, PaidCents, PendingCents, BalanceCents, IsVoid, Version)
            VALUES ({customer}, NULL, {parent}, {externalId}, {number}, {date}, {due},
                1000, 0, 1000, {paid}, {pending}, {balance}, {isVoid}, 1)
            """);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private IQueryable<Invoice> Customer(long id) => _db.Invoices.AsNoTracking().Where(i => i.CustomerId == id);

    /// <summary>Customer 1's invoices that a predicate of the rules' own SQL (no input) selects.</summary>
    private Task<List<long>> IdsAsync(string predicate)
    {
        var sql = "SELECT Id AS \"Value\" FROM Invoices WHERE CustomerId = 1 AND " + predicate;
        return _db.Database.SqlQueryRaw<long>(sql).ToListAsync();
    }

    private Task<Dictionary<long, string>> CaseOfAsync() =>
        _db.Invoices.AsNoTracking().Where(i => i.CustomerId == 1).ToDictionaryAsync(i => i.Id, i => i.Number);

    private async Task<List<string>> CasesAsync(IEnumerable<long> ids)
    {
        var caseOf = await CaseOfAsync();
        return ids.Select(id => caseOf[id]).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Expected(Func<bool, bool, bool> openPayable) =>
        Cases.Where(c => openPayable(c.Open, c.Payable)).Select(c => c.Case).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task OpenReadsTheSameInMemoryInEfsQueryInTheHandWrittenSqlAndInTheTriggers()
    {
        var isOpen = OpenInvoiceRule.IsOpen.Compile();
        var invoices = await _db.Invoices.AsNoTracking().Where(i => i.CustomerId == 1).ToListAsync();

        var inMemory = await CasesAsync(invoices.Where(isOpen).Select(i => i.Id));
        var query = await CasesAsync(await Customer(1).WhereOpen(isVoid: false).Select(i => i.Id).ToListAsync());
        var sql = await CasesAsync(await IdsAsync(OpenInvoiceRule.OpenSql));

        var expected = Expected((open, _) => open);
        Assert.Equal(expected, inMemory);
        Assert.Equal(expected, query);
        Assert.Equal(expected, sql);
        var totals = await _db.CustomerInvoiceTotals.AsNoTracking().SingleAsync(t => t.CustomerId == 1);
        Assert.Equal(expected.Count, totals.OpenCount);
        Assert.Equal(Cases.Where(c => c.Open && c.Parent is null).Count(), totals.OpenSingleSiteCount);
        Assert.Empty(await _db.Database.SqlQueryRaw<long>(InvoiceTotalsTriggers.DriftQuery).ToListAsync());
    }

    [Fact]
    public async Task PayableReadsTheSameInMemoryInEfsQueryInTheHandWrittenSqlAndInTheTriggers()
    {
        var isPayable = OpenInvoiceRule.IsPayable.Compile();
        var invoices = await _db.Invoices.AsNoTracking().Where(i => i.CustomerId == 1).ToListAsync();

        var inMemory = await CasesAsync(invoices.Where(isPayable).Select(i => i.Id));
        var query = await CasesAsync(await Customer(1).WherePayable(isVoid: false).Select(i => i.Id).ToListAsync());
        var sql = await CasesAsync(await IdsAsync($"{OpenInvoiceRule.OpenSql} AND {OpenInvoiceRule.HasBalanceSql}"));

        var expected = Expected((_, payable) => payable);
        Assert.Equal(expected, inMemory);
        Assert.Equal(expected, query);
        Assert.Equal(expected, sql);
        var totals = await _db.CustomerInvoiceTotals.AsNoTracking().SingleAsync(t => t.CustomerId == 1);
        Assert.Equal(Cases.Where(c => c.Payable && c.Parent is null).Count(), totals.PayableSingleSiteCount);
    }

    [Fact]
    public void EfSendsNotVoidAsAnEqualityWithAParameterThatSqliteCanMatchToTheIndex()
    {
        var sql = _db.Invoices.Where(i => i.CustomerId == 1).WhereOpen(isVoid: false).ToQueryString();

        Assert.Matches(@"""IsVoid"" = @\w+", sql);
        Assert.DoesNotContain("NOT (", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-31")]
    [InlineData("2026-02-04")]
    [InlineData("2026-02-07")]
    [InlineData("2026-02-08")]
    public async Task NotYetDueInSqlIsWhatTheOverdueRuleDoesNotCallOverdue(string todayText)
    {
        var today = DateOnly.Parse(todayText, System.Globalization.CultureInfo.InvariantCulture);
        var invoices = await _db.Invoices.AsNoTracking().Where(i => i.CustomerId == 1).ToListAsync();

        var query = await CasesAsync(await Customer(1).WhereNotYetDue(today).Select(i => i.Id).ToListAsync());

        var notOverdue = invoices.Where(i => !OverdueRule.IsOverdue(1, i.DueDate, today)).Select(i => i.Id);
        Assert.Equal(await CasesAsync(notOverdue), query);
    }

    [Fact]
    public async Task SqlOrdersOldestFirstExactlyAsTheComparerDoes()
    {
        // Ties at every key: the same dates, numbers that sort differently ordinally and by culture, the same number
        // twice.
        (string Number, string Date, string Due)[] rows =
        [
            ("INV-9", "2026-01-02", "2026-02-01"), ("INV-10", "2026-01-02", "2026-02-01"),
            ("inv-1", "2026-01-02", "2026-02-01"),
            ("N", "2026-01-02", "2026-02-01"), ("N", "2026-01-02", "2026-02-01"), ("A", "2026-01-02", "2026-02-02"),
            ("Z", "2026-01-01", "2026-03-01"), ("Ä", "2026-01-02", "2026-02-01"), ("B", "2026-01-03", "2026-01-04"),
        ];
        foreach (var (number, date, due) in rows) await InsertAsync(2, null, number, date, due, 0, 0, false);

        var bySql = await Customer(2).OrderOldestFirst().Select(i => i.Id).ToListAsync();
        var inMemory = (await Customer(2).ToListAsync()).OrderOldestFirst().Select(i => i.Id);

        Assert.Equal(inMemory, bySql);
        Assert.Equal(rows.Length, bySql.Count);
    }

    [Fact]
    public async Task SqlOrdersByEachTableColumnAsItsKeysSayBothWays()
    {
        // Ties on every column, numbers that sort differently ordinally and by culture.
        (string Number, string Date, string Due, long Balance)[] rows =
        [
            ("INV-9", "2026-01-02", "2026-02-01", 500), ("INV-10", "2026-01-02", "2026-02-01", 500),
            ("inv-1", "2026-01-01", "2026-02-01", 700), ("N", "2026-01-02", "2026-02-02", 500),
            ("N", "2026-01-03", "2026-02-01", 100), ("Ä", "2026-01-02", "2026-02-01", 700),
        ];
        foreach (var (number, date, due, balance) in rows)
            await InsertAsync(2, null, number, date, due, paid: (int)(1000 - balance), 0, false);
        var all = await Customer(2).ToListAsync();

        foreach (var column in TableOrder.Columns)
        {
            foreach (var descending in new[] { false, true })
            {
                var bySql = await Customer(2).OrderByColumn(column, descending).Select(i => i.Id).ToListAsync();
                // The independent reading of the rule: compare key by key, text ordinally, then reverse.
                var expected = all.ToList();
                expected.Sort((x, y) => TableOrder.KeyNames(column)
                    .Select(k => Compare(typeof(Invoice).GetProperty(k)!.GetValue(x),
                        typeof(Invoice).GetProperty(k)!.GetValue(y)))
                    .FirstOrDefault(c => c != 0));
                if (descending) expected.Reverse();
                Assert.Equal(expected.Select(i => i.Id), bySql);
            }
        }

        static int Compare(object? a, object? b) =>
            a is string s ? string.CompareOrdinal(s, (string?)b) : Comparer<object>.Default.Compare(a, b);
    }

    [Fact]
    public void EachTableColumnHasAnIndexListingItsKeysInOrder()
    {
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        foreach (var model in new[] { _db.Model, sqlServer.Model })
        {
            var indexes = model.FindEntityType(typeof(Invoice))!.GetIndexes()
                .Select(i => i.Properties.Select(p => p.Name).ToList()).ToList();
            foreach (var column in TableOrder.Columns)
            {
                List<string> keys = ["CustomerId", "IsVoid", .. TableOrder.KeyNames(column)];
                Assert.Contains(indexes, columns => columns.Take(keys.Count).SequenceEqual(keys));
            }
        }
    }

    public static TheoryData<string> OldestFirstIndexes =>
        new() { "IX_Invoices_OpenByCustomer", "IX_Invoices_OldestFirst" };

    [Theory]
    [MemberData(nameof(OldestFirstIndexes))]
    public void TheIndexesThatReadInvoicesOldestFirstListTheKeysInOrder(string name)
    {
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        foreach (var model in new[] { _db.Model, sqlServer.Model })
        {
            var index = model.FindEntityType(typeof(Invoice))!.GetIndexes().Single(i => i.GetDatabaseName() == name);
            var columns = index.Properties.Select(p => p.Name).ToList();

            var first = columns.IndexOf(OldestFirst.KeyNames[0]);
            Assert.True(first >= 0, $"{name} has no {OldestFirst.KeyNames[0]}");
            Assert.Equal(OldestFirst.KeyNames, columns.Skip(first).Take(OldestFirst.KeyNames.Count));
        }
    }

    [Fact]
    public void TheModelHasNoChangeWithoutItsMigrationOnEitherProvider()
    {
        // A change of the order's keys changes the indexes above; this asks for the migration that goes with it.
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        Assert.False(_db.Database.HasPendingModelChanges(), "SQLite: the model has changes no migration makes");
        Assert.False(sqlServer.Database.HasPendingModelChanges(),
            "SQL Server: the model has changes no migration makes");
    }

    /// <summary>The file of each provider's migration that installs the totals triggers.</summary>
    public static TheoryData<string> TotalsMigrations => new() { "Sqlite", "SqlServer" };

    [Theory]
    [MemberData(nameof(TotalsMigrations))]
    public void TheTotalsTriggersOfTheMigrationsCountAnInvoiceWhenTheOpenRuleDoes(string provider)
    {
        var folder = Path.Combine(
            RepositoryRoot(), "src", "CustomerPortal.Infrastructure", "Data", "Migrations", provider);
        var file = Directory.GetFiles(folder, "*_CustomerInvoiceTotals.cs").Single();
        // The SQL as the rule would read it: no quoting, no NEW./OLD. row prefix, one space between words.
        var text = Whitespace().Replace(Quoting().Replace(File.ReadAllText(file), ""), " ");

        var predicates = NotVoid().Matches(text).Select(m => m.Value).ToList();

        Assert.True(predicates.Count >= (provider == "Sqlite" ? 5 : 3), $"{predicates.Count} predicates found");
        Assert.All(predicates, p => Assert.StartsWith(OpenInvoiceRule.OpenSql, p, StringComparison.Ordinal));
        var payable = $"MultiSiteInvoiceId IS NULL AND {OpenInvoiceRule.HasBalanceSql}";
        Assert.Contains(payable, text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[""\[\]]|\b(?:NEW|OLD)\.")]
    private static partial Regex Quoting();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"IsVoid = 0[^;]{0,60}")]
    private static partial Regex NotVoid();

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CustomerPortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CustomerPortal.sln not found above the tests");
    }
}
