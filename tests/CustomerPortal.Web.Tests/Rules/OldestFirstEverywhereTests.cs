using System.Net;
using System.Text.RegularExpressions;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;

namespace CustomerPortal.Web.Tests.Rules;

/// <summary>
/// Every query the app sends that orders invoices (or multi-site invoices) ends its ORDER BY with the keys of the one
/// definition, <see cref="OldestFirst.Keys"/>: read from the SQL of a session that visits every place that orders them
/// (the three tables in their default and another order, "Select all", the custom amount and Continue). With the
/// comparer and the indexes made from the same keys (CustomerPortal.Domain.Tests, CustomerPortal.Infrastructure.Tests),
/// changing the tie order is a change of the keys plus a migration for the indexes.
/// </summary>
public sealed partial class OldestFirstEverywhereTests : IDisposable
{
    private readonly SqlRecorder _sql = new();
    private readonly PortalFactory _factory;

    public OldestFirstEverywhereTests() => _factory = new PortalFactory().WithDbInterceptors(_sql);

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task EveryQueryThatOrdersInvoicesBreaksItsTiesByTheOneDefinition()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        _sql.Clear();

        await pay.PageAsync();
        await pay.PageAsync("?sort=due&dir=desc");
        await pay.PostFragmentAsync("/pay/selection/all");
        await pay.ChooseAsync("multi");
        await pay.PageAsync("?sort=balance&dir=desc");
        await pay.PostFragmentAsync("/pay/selection/all");
        await pay.ChooseAsync("custom");
        await pay.PageAsync("?sort=number");
        await pay.PostFragmentAsync("/pay/amount", new() { ["amount"] = "100.00" });
        Assert.Equal(HttpStatusCode.Redirect, (await pay.PostAsync("/pay/continue")).StatusCode);

        var orderings = _sql.Texts.Distinct()
            .Select(sql => (Sql: sql, OrderBy: LastOrderBy(sql)))
            .Where(q => q.OrderBy is { } o && (o.Contains("InvoiceDate", StringComparison.Ordinal)
                || o.Contains("Number", StringComparison.Ordinal)))
            .ToList();

        // Single-site, parents and all kinds, each in the default and another order; the two oldest windows; the
        // planner.
        Assert.True(orderings.Count >= 8,
            $"only {orderings.Count} orderings seen:\n{string.Join("\n", orderings.Select(q => q.OrderBy))}");
        Assert.All(orderings, q => Assert.True(BreaksTiesOldestFirst(Terms(q.OrderBy!)), q.Sql));
    }

    /// <summary>
    /// The keys in order, or a table's sort column and then the keys it is not one of (<see cref="TableOrder"/>), every
    /// term ascending or every term descending (a descending table is the exact reverse of the ascending one).
    /// </summary>
    private static bool BreaksTiesOldestFirst(List<string> terms)
    {
        var descending = terms.Select(t => t.EndsWith(" DESC", StringComparison.Ordinal)).Distinct().ToList();
        if (descending.Count != 1) return false;
        var columns = terms.Select(t => descending[0] ? t[..^5] : t)
            .Select(t => Column().Match(t) is { Success: true } m ? m.Groups[1].Value : null).ToList();
        if (columns.SequenceEqual(OldestFirst.KeyNames)) return true;
        var sortedBy = columns[0];
        // A parent's balance is a sum (a subquery), not a column: the keys follow it.
        if (sortedBy is null) return columns.Skip(1).SequenceEqual(OldestFirst.KeyNames);
        return TableOrder.Columns.Contains(sortedBy)
            && columns.SequenceEqual(TableOrder.KeyNames(sortedBy));
    }

    /// <summary>The last ORDER BY clause of a statement (up to LIMIT, a closing bracket or the end), if any.</summary>
    private static string? LastOrderBy(string sql)
    {
        var at = sql.LastIndexOf("ORDER BY", StringComparison.Ordinal);
        if (at < 0) return null;
        var clause = sql[(at + "ORDER BY".Length)..];
        var depth = 0;
        for (var k = 0; k < clause.Length; k++)
        {
            if (clause[k] == '(') depth++;
            else if (clause[k] == ')' && --depth < 0) return clause[..k].Trim();
            else if (depth == 0 && clause.AsSpan(k).StartsWith("LIMIT", StringComparison.Ordinal))
                return clause[..k].Trim();
        }
        return clause.Trim();
    }

    /// <summary>The terms of an ORDER BY clause (split at its own commas, not at those in a subquery).</summary>
    private static List<string> Terms(string ordering)
    {
        var terms = new List<string>();
        var depth = 0;
        var start = 0;
        for (var k = 0; k <= ordering.Length; k++)
        {
            if (k == ordering.Length || (ordering[k] == ',' && depth == 0))
            {
                terms.Add(ordering[start..k].Trim());
                start = k + 1;
            }
            else if (ordering[k] == '(') depth++;
            else if (ordering[k] == ')') depth--;
        }
        return terms;
    }

    [GeneratedRegex(@"^""\w+""\.""(\w+)""$")]
    private static partial Regex Column();
}
