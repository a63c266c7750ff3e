using System.Text.RegularExpressions;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.SqlScriptCheck;
using CustomerPortal.Infrastructure.Drafts;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.SqlServer;

/// <summary>
/// Every statement the app writes by hand and can send to SQL Server parses with Microsoft's T-SQL parser (SQL Server
/// does not run here; EF's own SQL and the migrations are covered by the script check). The inventory test lists every
/// raw SQL call in src/, so a new one is either parsed here or named as one that never reaches SQL Server.
/// </summary>
public sealed partial class HandWrittenSqlServerSqlTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, int, bool> DraftWrites => new()
    {
        { 0, 0, false }, // the choice or amount changed only
        { 0, 0, true },
        { 2, 1, false }, // a toggle: ids leave and come back
        { 0, 1_001, true }, // a large selection: three INSERTs
        { 1_001, 1_001, false },
    };

    [Theory]
    [MemberData(nameof(DraftWrites))]
    public void TheDraftWriteBatchParsesAsSqlServerReceivesIt(int deleted, int added, bool customAmount)
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var choice = customAmount ? PaymentChoice.CustomAmount : PaymentChoice.SingleSite;
        var draft = PaymentDraft.Restore(42, "user-1", 7, choice, customAmount ? 123_45 : null, 3, At, []);
        var ids = (int count) => Enumerable.Range(1, count).Select(i => (long)i).ToList();

        var (sql, _) = DraftWriteSql.For(db, draft, ids(deleted), ids(added));

        Assert.Contains("UPDATE [PaymentDrafts]", sql);
        Assert.Empty(TsqlScript.Parse(AsSent(sql)).Errors);
    }

    [Fact]
    public void TheTotalsDriftQueryParses()
    {
        Assert.Empty(TsqlScript.Parse(InvoiceTotalsTriggers.DriftQuery).Errors);
    }

    [Fact]
    public void TheParseCheckRefusesABrokenBatch()
    {
        Assert.NotEmpty(TsqlScript.Parse(AsSent("UPDATE [PaymentDrafts] SET [Revision] = WHERE [Id] = {0};")).Errors);
    }

    /// <summary>The files of src/ that send SQL written by hand, and why each is covered.</summary>
    private static readonly Dictionary<string, string> RawSqlCallers = new()
    {
        ["CustomerPortal.Infrastructure/Drafts/DraftStore.cs"] = "DraftWriteSql: parsed above",
        ["CustomerPortal.Web/Features/Payments/PaymentInvariants.cs"] = "DriftQuery: parsed above",
        ["CustomerPortal.Web/Features/Payments/PaymentsFeature.cs"] = "SQLite only (PRAGMA after a provider check)",
        ["CustomerPortal.Infrastructure/Data/SqliteCheckpointer.cs"] = "SQLite only",
        ["CustomerPortal.Infrastructure/Data/SqliteConnectionSettings.cs"] = "SQLite only",
        ["CustomerPortal.Infrastructure/Payments/Sandbox/SandboxProcessor.cs"] = "the sandbox's own SQLite file",
    };

    [Fact]
    public void EveryRawSqlCallInTheAppIsParsedHereOrNeverReachesSqlServer()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var callers = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/Data/Migrations/"))
            .Where(f => RawSql().IsMatch(File.ReadAllText(Path.Combine(src, f))))
            .Order(StringComparer.Ordinal)
            .ToList();

        // A file new to this list sends SQL by hand: parse its SQL Server form in this class, or add it above with the
        // reason it never reaches SQL Server.
        Assert.Equal(RawSqlCallers.Keys.Order(StringComparer.Ordinal), callers);
    }

    /// <summary>The text as EF sends it for ExecuteSqlRaw: the <c>{n}</c> placeholders become <c>@pn</c>.</summary>
    private static string AsSent(string sql) => Placeholder().Replace(sql, "@p$1");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CustomerPortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CustomerPortal.sln not found above the tests");
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\b(?:ExecuteSql\w*|SqlQuery\w*|FromSql\w*)\s*[<(]|\.CommandText\s*=|\bCreateCommand\s*\(")]
    private static partial Regex RawSql();
}
