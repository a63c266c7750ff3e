using System.Text.RegularExpressions;

namespace CustomerPortal.Web.Tests.Rules;

/// <summary>
/// Each rule of Make a Payment is written in one place, its owner (docs/architecture.md, "Rule map"); everything else
/// calls it. This reads every source file of the app and fails on a rule written again by hand outside its owner, the
/// way the rules were copied before (eight oldest-first chains, seven "open" filters, five Pro-plan checks).
/// </summary>
public sealed class OneOwnerPerRuleTests
{
    /// <summary>A hand-written form of a rule, the one file allowed to hold it, and a copy the pattern must
    /// catch.</summary>
    public sealed record HandWritten(string Rule, string Pattern, string? Owner, string Example)
    {
        public override string ToString() => Rule;
    }

    public static TheoryData<HandWritten> Rules => new()
    {
        new("oldest first: a ThenBy over the order's keys (build the order with OrderOldestFirst/ThenOldestFirst)",
            @"\.ThenBy(?:Descending)?\(\s*(\w+)\s*=>\s*\1\.(?:InvoiceDate|DueDate|Number|Id)\s*\)\s*\.ThenBy",
            null, ".OrderBy(i => i.InvoiceDate).ThenBy(i => i.DueDate).ThenBy(i => i.Number).ThenBy(i => i.Id)"),
        new("oldest first: a comparer of invoice numbers",
            @"CompareOrdinal\(\s*\w+\.?Number", null, "string.CompareOrdinal(x.Number, y.Number)"),
        new("open: balance or pending, in LINQ",
            @"BalanceCents\s*>\s*0\s*\|\|\s*\w*\.?PendingCents\s*>\s*0",
            "CustomerPortal.Domain/Invoices/OpenInvoiceRule.cs",
            "i.IsVoid == isVoid && (i.BalanceCents > 0 || i.PendingCents > 0)"),
        new("open: balance or pending, in SQL",
            @"BalanceCents[""\]]?\s*>\s*0\s+OR\s+[""\[]?(?:\w+\.)?[""\[]?PendingCents",
            "CustomerPortal.Domain/Invoices/OpenInvoiceRule.cs",
            @"WHERE IsVoid = 0 AND (BalanceCents > 0 OR PendingCents > 0)"),
        new("open: not void and not fully paid",
            @"PaidCents\s*<\s*\w*\.?TotalCents", null, "!i.IsVoid && i.PaidCents < i.TotalCents"),
        new("overdue: a due date compared with today",
            @"(?i)\bdueDate\s*(?:<|>=)\s*today", "CustomerPortal.Domain/Invoices/OverdueRule.cs", "i.DueDate >= today"),
        new("balance: total less paid less pending",
            @"(?i)TotalCents\s*-\s*\w*\.?PaidCents\s*-", "CustomerPortal.Domain/Invoices/Invoice.cs",
            "BalanceCents = TotalCents - PaidCents - PendingCents"),
        new("the 200 cap: the window of the oldest that decide",
            @"MaxInvoicesPerPayment\s*\+\s*1", "CustomerPortal.Domain/Selection/InvoiceSelection.cs",
            ".Take(InvoiceSelection.MaxInvoicesPerPayment + 1)"),
        new("Pro plan may pay: a plan compared",
            @"[!=]=\s*Plan\.(?:Pro|Standard)\b|\bPlan\.(?:Pro|Standard)\s*[!=]=",
            "CustomerPortal.Domain/Companies/ProPlan.cs",
            "if (company.Plan != Plan.Pro)"),
        new("Pro plan may pay: the refusal's words",
            @"Online payment is not enabled", "CustomerPortal.Domain/Companies/ProPlan.cs",
            "$\"Online payment is not enabled for {access.CompanyName}.\""),
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void ARuleIsWrittenOnlyByItsOwner(HandWritten rule)
    {
        var pattern = new Regex(rule.Pattern);
        Assert.Matches(pattern, rule.Example); // the check can fail: it catches the copies there were

        var writers = SourceFiles().Where(f => pattern.IsMatch(f.Text)).Select(f => f.Path).ToList();

        Assert.Equal(rule.Owner is null ? [] : [rule.Owner], writers);
    }

    /// <summary>The app's C# and Razor files (migrations are frozen history and excluded).</summary>
    private static IEnumerable<(string Path, string Text)> SourceFiles()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        return Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/Data/Migrations/"))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllText(Path.Combine(src, f))));
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CustomerPortal.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CustomerPortal.sln not found above the tests");
    }
}
