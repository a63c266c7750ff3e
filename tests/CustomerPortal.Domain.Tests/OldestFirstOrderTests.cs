using System.Linq.Expressions;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using static CustomerPortal.Domain.Tests.TestInvoices;

namespace CustomerPortal.Domain.Tests;

/// <summary>
/// "Oldest first" is written once (<see cref="OldestFirst.Keys"/>); the comparer and the query ordering are made from
/// it. The SQL each query sends, the indexes and the order SQLite returns are checked against the same keys in
/// CustomerPortal.Web.Tests (OldestFirstEverywhereTests).
/// </summary>
public sealed class OldestFirstOrderTests
{
    [Fact]
    public void TheOrderIsInvoiceDateThenDueDateThenNumberThenId() =>
        Assert.Equal(["InvoiceDate", "DueDate", "Number", "Id"], OldestFirst.KeyNames);

    [Fact]
    public void EachKeyDecidesOnlyWhenTheOnesBeforeItTie()
    {
        // Each pair differs first at one key, and the later keys point the other way: the first difference wins.
        var date = Invoice(2, day: 1, number: "A", dueInDays: 40);
        Assert.True(OldestFirst.Instance.Compare(Invoice(9, day: 0, number: "Z", dueInDays: 60), date) < 0);
        var due = Invoice(2, day: 0, number: "A", dueInDays: 31);
        Assert.True(OldestFirst.Instance.Compare(Invoice(9, day: 0, number: "Z", dueInDays: 30), due) < 0);
        var number = Invoice(2, day: 0, number: "INV-9");
        Assert.True(OldestFirst.Instance.Compare(Invoice(9, day: 0, number: "INV-10"), number) < 0);
        Assert.True(OldestFirst.Instance.Compare(Invoice(1, number: "N"), Invoice(2, number: "N")) < 0);
        Assert.Equal(0, OldestFirst.Instance.Compare(Invoice(1), Invoice(1)));
    }

    [Fact]
    public void NumbersCompareOrdinallyAsSqlsBinaryCollationDoes()
    {
        // "INV-10" before "INV-9", upper case before lower case, whatever the culture of the machine.
        OpenInvoice[] invoices = [Invoice(1, number: "inv-1"),
            Invoice(2, number: "INV-9"), Invoice(3, number: "INV-10")];

        Assert.Equal(["INV-10", "INV-9", "inv-1"], invoices.OrderOldestFirst().Select(i => i.Number));
    }

    [Fact]
    public void ParentsAreOrderedByTheSameKeysAsInvoices()
    {
        OpenMultiSiteInvoice[] parents = [Parent(3, day: 2), Parent(1, day: 5), Parent(2, day: 2, number: "MS-0001")];

        Assert.Equal([2L, 3L, 1L], parents.OrderOldestFirst().Select(p => p.Id));
    }

    [Fact]
    public void AQueryIsOrderedByTheKeysInTheirOrder()
    {
        var query = Array.Empty<OpenInvoice>().AsQueryable().OrderOldestFirst();

        var expected = OldestFirst.KeyNames.Select((name, k) => (k == 0 ? "OrderBy" : "ThenBy", name));
        Assert.Equal(expected, Orderings(query.Expression));
    }

    [Fact]
    public void ATableSortedByAnotherColumnBreaksItsTiesByTheKeys()
    {
        var query = Array.Empty<OpenInvoice>().AsQueryable().OrderByDescending(i => i.BalanceCents).ThenOldestFirst();

        Assert.Equal([("OrderByDescending", "BalanceCents"), .. OldestFirst.KeyNames.Select(name => ("ThenBy", name))],
            Orderings(query.Expression));
    }

    /// <summary>The ordering calls of a query, innermost first: (method, member).</summary>
    private static List<(string Method, string Member)> Orderings(Expression expression)
    {
        var calls = new List<(string, string)>();
        while (expression is MethodCallExpression call)
        {
            var selector = (LambdaExpression)((UnaryExpression)call.Arguments[1]).Operand;
            calls.Insert(0, (call.Method.Name, ((MemberExpression)selector.Body).Member.Name));
            expression = call.Arguments[0];
        }
        return calls;
    }
}
