using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// The batch that stores a changed draft, as text, for both providers (SQL Server does not run here, so its text is
/// checked as written). Running it is covered on SQLite by every selection test.
/// </summary>
public sealed class DraftWriteSqlTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);

    private static PaymentDraft Draft(PaymentChoice choice, long? amount) =>
        PaymentDraft.Restore(42, "user-1", 7, choice, amount, 3, At, []);

    [Fact]
    public void SqliteDeletesInsertsAndBumpsTheRevisionInOneBatch()
    {
        using var db = new SqliteAppDbContext(
            new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=:memory:").Options);

        var (sql, parameters) = DraftWriteSql.For(db, Draft(PaymentChoice.SingleSite, null), [5, 9], [9]);

        Assert.Equal(
            string.Join(
                "\n",
                """DELETE FROM "PaymentDraftItems" WHERE "PaymentDraftId" = {0} AND "InvoiceId" IN (5, 9);""",
                """INSERT INTO "PaymentDraftItems" ("PaymentDraftId", "InvoiceId") VALUES ({0}, 9);""",
                """UPDATE "PaymentDrafts" SET "Choice" = {1}, "CustomAmountCents" = NULL,"""
                    + """ "Revision" = "Revision" + 1, "UpdatedAt" = {3} WHERE "Id" = {0};""").ReplaceLineEndings(),
            sql.ReplaceLineEndings());
        // The choice as its stored text, the time as SQLite stores it (UTC ticks).
        Assert.Equal([42L, "SingleSite", 0L, At.UtcTicks], parameters);
    }

    [Fact]
    public void SqlServerKeepsItsOwnTypesAndNames()
    {
        using var db = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer("Server=unused;Database=unused;TrustServerCertificate=True").Options);

        var (sql, parameters) = DraftWriteSql.For(db, Draft(PaymentChoice.CustomAmount, 123_45), [], []);

        Assert.Equal(
            "UPDATE [PaymentDrafts] SET [Choice] = {1}, [CustomAmountCents] = {2}, [Revision] = [Revision] + 1, "
            + "[UpdatedAt] = {3} WHERE [Id] = {0};",
            sql);
        Assert.Equal([42L, "CustomAmount", 123_45L, At], parameters);
    }

    [Fact]
    public void ManyAddedIdsGoInSeveralInserts()
    {
        using var db = new SqliteAppDbContext(
            new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=:memory:").Options);
        var ids = Enumerable.Range(1, 1_001).Select(i => (long)i).ToList();

        var (sql, _) = DraftWriteSql.For(db, Draft(PaymentChoice.SingleSite, null), ids, ids);

        Assert.Equal(3, sql.Split("INSERT INTO").Length - 1);
        Assert.Contains("({0}, 1001);", sql);
        Assert.Single(sql.Split("DELETE FROM").Skip(1));
    }
}
