using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Allocation;

/// <summary>
/// "Oldest first": invoice date, then due date, then invoice number (ordinal, so the order is the same on every machine
/// and in SQL with a binary collation), then id so that two invoices never tie. A custom amount is applied in this
/// order, "Select all" takes the oldest invoices (and parents) by it, and the tables break their ties by it.
/// </summary>
/// <remarks>
/// <see cref="Keys"/> is the one place the order is written. The in-memory comparer (<see cref="Instance"/>), the SQL
/// ordering (<see cref="OldestFirstOrdering.OrderOldestFirst{T}"/>,
/// <see cref="OldestFirstOrdering.ThenOldestFirst{T}"/>) and the column lists of the indexes that read invoices in this
/// order (IX_Invoices_OpenByCustomer, IX_Invoices_OldestFirst) are made from it. Changing the order is a change here
/// plus a migration for those indexes.
/// </remarks>
public sealed class OldestFirst : IComparer<IOldestFirstKeys>
{
    private static readonly Key[] KeyArray =
    [
        Key.Of(i => i.InvoiceDate),
        Key.Of(i => i.DueDate),
        Key.Of(i => i.Number),
        Key.Of(i => i.Id),
    ];

    /// <summary>The keys, most significant first.</summary>
    public static IReadOnlyList<Key> Keys { get; } = Array.AsReadOnly(KeyArray);

    /// <summary>The keys' member names, in order: the columns an index in this order lists.</summary>
    public static IReadOnlyList<string> KeyNames { get; } = Array.AsReadOnly(KeyArray.Select(k => k.Name).ToArray());

    public static OldestFirst Instance { get; } = new();

    private OldestFirst() { }

    public int Compare(IOldestFirstKeys? x, IOldestFirstKeys? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        for (var k = 0; k < KeyArray.Length; k++)
        {
            var c = KeyArray[k].Compare(x, y);
            if (c != 0) return c;
        }
        return 0;
    }

    /// <summary>
    /// <paramref name="source"/> (a query of <paramref name="elementType"/>) with the keys'
    /// <c>OrderBy</c>/<c>ThenBy</c> calls: what <see cref="OldestFirstOrdering.OrderOldestFirst{T}"/> and
    /// <see cref="OldestFirstOrdering.ThenOldestFirst{T}"/> add, for whoever writes a query as an expression (a
    /// compiled query cannot call them).
    /// </summary>
    public static Expression Ordered(Expression source, Type elementType, bool thenBy)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(elementType);
        var ordered = source;
        var keys = Selectors.GetOrAdd(elementType, KeySelectors);
        for (var k = 0; k < keys.Length; k++)
        {
            var method = k == 0 && !thenBy ? keys[k].OrderBy : keys[k].ThenBy;
            ordered = Expression.Call(method, ordered, keys[k].Selector);
        }
        return ordered;
    }

    // Made once per element type: a query then costs a few nodes, not reflection.
    private static readonly ConcurrentDictionary<Type, (MethodInfo OrderBy, MethodInfo ThenBy, Expression Selector)[]>
        Selectors = new();

    private static (MethodInfo, MethodInfo, Expression)[] KeySelectors(Type elementType) =>
        KeyArray.Select(key =>
        {
            // The element type's own property (an entity's mapped property, a projection's member), not the
            // interface's.
            var property = elementType.GetProperty(key.Name)
                ?? throw new ArgumentException($"{elementType.Name} has no member {key.Name}.", nameof(elementType));
            var item = Expression.Parameter(elementType, "i");
            var selector = Expression.Quote(Expression.Lambda(Expression.Property(item, property), item));
            return (QueryableOrderBy.MakeGenericMethod(elementType, property.PropertyType),
                QueryableThenBy.MakeGenericMethod(elementType, property.PropertyType), (Expression)selector);
        }).ToArray();

    private static readonly MethodInfo QueryableOrderBy = QueryableMethod(nameof(Queryable.OrderBy));
    private static readonly MethodInfo QueryableThenBy = QueryableMethod(nameof(Queryable.ThenBy));

    private static MethodInfo QueryableMethod(string name) =>
        typeof(Queryable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == 2);

    /// <summary>One key of the order: a member, compared ascending; text ordinally, as SQL's binary collation
    /// does.</summary>
    public sealed class Key
    {
        private readonly Func<IOldestFirstKeys, IOldestFirstKeys, int> _compare;

        private Key(string name, Func<IOldestFirstKeys, IOldestFirstKeys, int> compare) =>
            (Name, _compare) = (name, compare);

        /// <summary>The member (and the index column) this key orders by.</summary>
        public string Name { get; }

        internal int Compare(IOldestFirstKeys x, IOldestFirstKeys y) => _compare(x, y);

        internal static Key Of<TKey>(Expression<Func<IOldestFirstKeys, TKey>> member)
        {
            var name = ((MemberExpression)member.Body).Member.Name;
            var read = member.Compile();
            var comparer = typeof(TKey) == typeof(string)
                ? (IComparer<TKey>)StringComparer.Ordinal
                : Comparer<TKey>.Default;
            return new Key(name, (x, y) => comparer.Compare(read(x), read(y)));
        }
    }
}

/// <summary>
/// "Oldest first" applied: in memory by <see cref="OldestFirst.Instance"/>, in a query by <c>ORDER BY</c> the keys.
/// </summary>
public static class OldestFirstOrdering
{
    /// <summary>Sorts invoices (or parents) in memory, oldest first.</summary>
    public static IOrderedEnumerable<T> OrderOldestFirst<T>(this IEnumerable<T> source)
        where T : class, IOldestFirstKeys =>
        source.Order<T>(OldestFirst.Instance);

    /// <summary>Orders a query oldest first (<c>ORDER BY</c> the keys).</summary>
    public static IOrderedQueryable<T> OrderOldestFirst<T>(this IQueryable<T> source) where T : IOldestFirstKeys
    {
        ArgumentNullException.ThrowIfNull(source);
        var ordered = OldestFirst.Ordered(source.Expression, typeof(T), thenBy: false);
        return (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(ordered);
    }

    /// <summary>Breaks the ties of a query already ordered by something else (a table's sort column) oldest
    /// first.</summary>
    public static IOrderedQueryable<T> ThenOldestFirst<T>(this IOrderedQueryable<T> source) where T : IOldestFirstKeys
    {
        ArgumentNullException.ThrowIfNull(source);
        var ordered = OldestFirst.Ordered(source.Expression, typeof(T), thenBy: true);
        return (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(ordered);
    }
}
