using System.Linq.Expressions;
using System.Reflection;
using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Allocation;

/// <summary>
/// "A table of invoices sorted by a column": that column, then <see cref="OldestFirst"/> for the ties; sorted
/// descending, the exact reverse of ascending (ties newest first). Because descending is the exact reverse, one
/// index read forwards or backwards serves both directions; the indexes that do (IX_Invoices_OldestFirst for the
/// invoice date, IX_Invoices_By{Column} for the others) list <see cref="KeyNames"/>, and a test holds them to it.
/// </summary>
public static class TableOrder
{
    /// <summary>The columns a table of invoices can be sorted by: the members of an invoice (or a parent's
    /// projection) with these names.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        nameof(Invoice.InvoiceDate), nameof(Invoice.DueDate), nameof(Invoice.Number), nameof(Invoice.BalanceCents),
    ];

    /// <summary>
    /// The keys of the order by <paramref name="column"/>, most significant first: the column, then the oldest-first
    /// keys it is not already one of. Sorted by invoice date this is exactly <see cref="OldestFirst.KeyNames"/>.
    /// </summary>
    public static IReadOnlyList<string> KeyNames(string column)
    {
        Check(column);
        return [column, .. OldestFirst.KeyNames.Where(k => k != column)];
    }

    /// <summary>Orders a query by <paramref name="column"/> (<see cref="KeyNames"/>), reversed when
    /// <paramref name="descending"/>.</summary>
    public static IOrderedQueryable<T> OrderByColumn<T>(this IQueryable<T> source, string column, bool descending)
    {
        ArgumentNullException.ThrowIfNull(source);
        var expression = source.Expression;
        var first = true;
        foreach (var name in KeyNames(column))
        {
            var property = typeof(T).GetProperty(name)
                ?? throw new ArgumentException($"{typeof(T).Name} has no member {name}.", nameof(column));
            var item = Expression.Parameter(typeof(T), "i");
            var selector = Expression.Quote(Expression.Lambda(Expression.Property(item, property), item));
            var method = (first, descending) switch
            {
                (true, false) => OrderBy,
                (true, true) => OrderByDescending,
                (false, false) => ThenBy,
                (false, true) => ThenByDescending,
            };
            expression = Expression.Call(method.MakeGenericMethod(typeof(T), property.PropertyType), expression,
                selector);
            first = false;
        }
        return (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(expression);
    }

    private static void Check(string column)
    {
        if (!Columns.Contains(column))
            throw new ArgumentException($"Invoices are not sorted by {column}.", nameof(column));
    }

    private static readonly MethodInfo OrderBy = Method(nameof(Queryable.OrderBy));
    private static readonly MethodInfo OrderByDescending = Method(nameof(Queryable.OrderByDescending));
    private static readonly MethodInfo ThenBy = Method(nameof(Queryable.ThenBy));
    private static readonly MethodInfo ThenByDescending = Method(nameof(Queryable.ThenByDescending));

    private static MethodInfo Method(string name) =>
        typeof(Queryable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == 2);
}
