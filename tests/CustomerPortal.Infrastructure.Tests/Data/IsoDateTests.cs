using CustomerPortal.Infrastructure.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.Tests.Data;

/// <summary>
/// SQLite keeps dates as 'yyyy-MM-dd' text; <see cref="IsoDate"/> reads them without the general parser. It must read
/// every date as the general parser did, refuse what is not a date, and leave the stored text and SQL comparisons as
/// they were.
/// </summary>
public sealed class IsoDateTests
{
    [Fact]
    public void ReadsEveryDayOfSeveralYearsAsTheGeneralParserDoes()
    {
        for (var day = new DateOnly(1999, 12, 25); day <= new DateOnly(2029, 1, 5); day = day.AddDays(1))
        {
            var text = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(text, IsoDate.Format(day));
            Assert.Equal(day, IsoDate.Parse(text));
        }
        Assert.Equal(new DateOnly(1, 1, 1), IsoDate.Parse("0001-01-01"));
        Assert.Equal(new DateOnly(9999, 12, 31), IsoDate.Parse("9999-12-31"));
    }

    [Theory]
    [InlineData("2026-02-29")] // not a leap year
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-04-31")]
    [InlineData("0000-01-01")]
    [InlineData("20x6-01-01")]
    [InlineData("")]
    [InlineData("yesterday")]
    public void RefusesWhatIsNotADate(string text) =>
        Assert.Throws<FormatException>(() => IsoDate.Parse(text));

    [Fact]
    public void OtherShapesGoToTheGeneralParser()
    {
        Assert.Equal(new DateOnly(2026, 11, 26), IsoDate.Parse("2026-11-26 00:00:00"));
        Assert.Equal(new DateOnly(2026, 1, 2), IsoDate.Parse("2026-1-2"));
    }

    [Fact]
    public async Task StoredTextAndComparisonsInSqlAreUnchanged()
    {
        var file = Path.Combine(Path.GetTempPath(), "cp-isodate-" + Guid.NewGuid().ToString("N") + ".db");
        var connection = $"Data Source={file};Pooling=False";
        try
        {
            await using var db = new SqliteAppDbContext(
                new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO Companies (Name, Address_Line1, Address_City, Address_Region, Address_PostalCode,
                    Address_Country, TimeZoneId, Currency, Plan)
                VALUES ('Co', '1 Main', 'Town', 'TX', '75001', 'US', 'America/Chicago', 'USD', 'Pro');
                INSERT INTO Customers (CompanyId, ExternalId, AccountNumber, Name, BillingAddress_Line1,
                    BillingAddress_City, BillingAddress_Region, BillingAddress_PostalCode, BillingAddress_Country)
                VALUES (1, 'c1', '1', 'One', '1 Main', 'Town', 'TX', '75001', 'US');
                INSERT INTO MultiSiteInvoices (CustomerId, ExternalId, Number, InvoiceDate, DueDate, IsVoid)
                VALUES (1, 'm1', 'M-1', '2024-02-29', '2024-03-30', 0), (1, 'm2', 'M-2', '2026-12-31', '2027-01-30', 0);
                """);

            var read = await db.MultiSiteInvoices.AsNoTracking()
                .OrderBy(m => m.Id)
                .Select(m => new { m.InvoiceDate, m.DueDate })
                .ToListAsync();
            Assert.Equal([new DateOnly(2024, 2, 29), new DateOnly(2026, 12, 31)], read.Select(r => r.InvoiceDate));
            Assert.Equal([new DateOnly(2024, 3, 30), new DateOnly(2027, 1, 30)], read.Select(r => r.DueDate));

            // A date parameter compares as text, as before: only the second is due on or after 2027-01-01.
            var from = new DateOnly(2027, 1, 1);
            Assert.Equal(["M-2"],
                await db.MultiSiteInvoices.Where(m => m.DueDate >= from).Select(m => m.Number).ToListAsync());

            var due = new DateOnly(2027, 3, 9);
            await db.MultiSiteInvoices.Where(m => m.Number == "M-1")
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DueDate, due));
            var stored = await db.Database
                .SqlQueryRaw<string>("SELECT DueDate AS \"Value\" FROM MultiSiteInvoices WHERE Number = 'M-1'")
                .SingleAsync();
            Assert.Equal("2027-03-09", stored);
        }
        finally
        {
            SqliteConnection.ClearPool(new SqliteConnection(connection));
            File.Delete(file);
        }
    }
}
