using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Infrastructure.Data;

/// <summary>
/// The domain's invoice rules in the shape the queries need: "open" and "payable" (<see cref="OpenInvoiceRule"/>),
/// "not yet due" (<see cref="OverdueRule.NotYetDue"/>) and "oldest first" (<see cref="OldestFirst"/>). Every query over
/// invoices filters and orders with these, so a rule changes in its owner and nowhere else.
/// </summary>
/// <remarks>
/// Two things EF needs that the plain rules do not say:
/// <list type="bullet">
/// <item>The rules write "not void" as <c>!i.IsVoid</c>, which EF sends as <c>NOT ("IsVoid")</c>; SQLite cannot
/// match that to an index column, so IX_Invoices_OpenByCustomer stopped at CustomerId and the planner preferred other
/// indexes (for the single-site count: every invoice of every customer without a parent). Here it becomes
/// <c>IsVoid = @p</c> with <c>isVoid</c> (always false) sent as a parameter, never a constant (EF folds
/// <c>== false</c> back to NOT).</item>
/// <item>A compiled query (<c>EF.CompileAsyncQuery</c>) cannot call these methods: write it with them and pass it
/// through <c>Expand</c>, which puts the rules' own expressions in their place.</item>
/// </list>
/// </remarks>
public static class InvoiceQueryRules
{
    /// <summary>Open invoices (<see cref="OpenInvoiceRule.IsOpen"/>); <paramref name="isVoid"/> is false.</summary>
    public static IQueryable<Invoice> WhereOpen(this IQueryable<Invoice> invoices, bool isVoid) =>
        Apply(invoices, isVoid ? OpenIfVoid : OpenIfNotVoid);

    /// <summary>
    /// Open invoices with a balance left (<see cref="OpenInvoiceRule.IsPayable"/>); <paramref name="isVoid"/> is false.
    /// </summary>
    public static IQueryable<Invoice> WherePayable(this IQueryable<Invoice> invoices, bool isVoid) =>
        Apply(invoices, isVoid ? PayableIfVoid : PayableIfNotVoid);

    /// <summary>Invoices not yet overdue on <paramref name="today"/> (<see cref="OverdueRule.NotYetDue"/>).</summary>
    public static IQueryable<Invoice> WhereNotYetDue(this IQueryable<Invoice> invoices, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        var box = Expression.Constant(new StrongBox<DateOnly>(today));
        var value = Expression.Field(box, nameof(StrongBox<DateOnly>.Value));
        return invoices.Provider.CreateQuery<Invoice>(NotYetDue(invoices.Expression, value));
    }

    /// <summary>
    /// Invoices overdue on <paramref name="today"/>: not <see cref="OverdueRule.NotYetDue"/>. With
    /// <see cref="WherePayable"/> (a balance left) this is <see cref="OverdueRule.IsOverdue"/>.
    /// </summary>
    public static IQueryable<Invoice> WherePastDue(this IQueryable<Invoice> invoices, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        var box = Expression.Constant(new StrongBox<DateOnly>(today));
        var value = Expression.Field(box, nameof(StrongBox<DateOnly>.Value));
        return invoices.Provider.CreateQuery<Invoice>(NotYetDue(invoices.Expression, value, negate: true));
    }

    /// <summary>
    /// A compiled query's expression with the calls to this class's filters and to <c>OrderOldestFirst</c> and
    /// <c>ThenOldestFirst</c> replaced by the expressions they stand for (their arguments may be the query's
    /// parameters). Run once per query, where its compiled delegate is made.
    /// </summary>
    public static Expression<Func<TContext, T1, T2, TResult>> Expand<TContext, T1, T2, TResult>(
        Expression<Func<TContext, T1, T2, TResult>> query) => ExpandAny(query);

    /// <inheritdoc cref="Expand{TContext, T1, T2, TResult}"/>
    public static Expression<Func<TContext, T1, T2, T3, TResult>> Expand<TContext, T1, T2, T3, TResult>(
        Expression<Func<TContext, T1, T2, T3, TResult>> query) => ExpandAny(query);

    /// <inheritdoc cref="Expand{TContext, T1, T2, TResult}"/>
    public static Expression<Func<TContext, T1, T2, T3, T4, TResult>> Expand<TContext, T1, T2, T3, T4, TResult>(
        Expression<Func<TContext, T1, T2, T3, T4, TResult>> query) => ExpandAny(query);

    private static Expression<TQuery> ExpandAny<TQuery>(Expression<TQuery> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return (Expression<TQuery>)new Expander().Visit(query);
    }

    private static IQueryable<Invoice> Apply(IQueryable<Invoice> invoices, UnaryExpression filter)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        return invoices.Provider.CreateQuery<Invoice>(Expression.Call(QueryableWhere, invoices.Expression, filter));
    }

    private static MethodCallExpression Where(
        Expression source, Expression<Func<Invoice, bool>> rule, Expression isVoid) =>
        Expression.Call(QueryableWhere, source, Filter(rule, isVoid));

    private static UnaryExpression Filter(Expression<Func<Invoice, bool>> rule, Expression isVoid) =>
        Expression.Quote(VoidAsParameter.Rewrite(rule, isVoid));

    private static MethodCallExpression NotYetDue(Expression source, Expression today, bool negate = false)
    {
        var invoice = Expression.Parameter(typeof(Invoice), "i");
        var rule = OverdueRule.NotYetDue;
        var body = new Substitute(new Dictionary<ParameterExpression, Expression>
        {
            [rule.Parameters[0]] = Expression.Property(invoice, nameof(Invoice.DueDate)),
            [rule.Parameters[1]] = today,
        }).Visit(rule.Body);
        var notYetDue = Expression.Lambda<Func<Invoice, bool>>(negate ? Expression.Not(body) : body, invoice);
        return Expression.Call(QueryableWhere, source, Expression.Quote(notYetDue));
    }

    // A value outside a compiled query becomes a parameter when EF reads it from an object's field (as from a closure);
    // a constant would be folded into the SQL. One box per value, shared: it is never written.
    private static readonly StrongBox<bool> NotVoid = new(false);
    private static readonly StrongBox<bool> Void = new(true);

    private static MemberExpression Parameter(bool isVoid) =>
        Expression.Field(Expression.Constant(isVoid ? Void : NotVoid), nameof(StrongBox<bool>.Value));

    // The filters outside compiled queries, made once: a query then adds one node, not a rewrite of the rule.
    private static readonly UnaryExpression OpenIfNotVoid = Filter(OpenInvoiceRule.IsOpen, Parameter(false));
    private static readonly UnaryExpression OpenIfVoid = Filter(OpenInvoiceRule.IsOpen, Parameter(true));
    private static readonly UnaryExpression PayableIfNotVoid = Filter(OpenInvoiceRule.IsPayable, Parameter(false));
    private static readonly UnaryExpression PayableIfVoid = Filter(OpenInvoiceRule.IsPayable, Parameter(true));

    private static readonly MethodInfo QueryableWhere = typeof(Queryable).GetMethods()
        .Single(m => m.Name == nameof(Queryable.Where) && m.GetParameters()[1].ParameterType.GetGenericArguments()[0]
            .GetGenericArguments().Length == 2)
        .MakeGenericMethod(typeof(Invoice));

    /// <summary>Writes the rule's <c>!i.IsVoid</c> as <c>i.IsVoid == isVoid</c>.</summary>
    private sealed class VoidAsParameter(Expression isVoid) : ExpressionVisitor
    {
        private bool _found;

        public static LambdaExpression Rewrite(Expression<Func<Invoice, bool>> rule, Expression isVoid)
        {
            var visitor = new VoidAsParameter(isVoid);
            var rewritten = (LambdaExpression)visitor.Visit(rule);
            return visitor._found
                ? rewritten
                : throw new InvalidOperationException(
                    "The rule no longer says !i.IsVoid: see how InvoiceQueryRules writes it for SQL.");
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node is { NodeType: ExpressionType.Not, Operand: MemberExpression member }
                && member.Member.Name == nameof(Invoice.IsVoid))
            {
                _found = true;
                return Expression.Equal(member, isVoid);
            }
            return base.VisitUnary(node);
        }
    }

    private sealed class Substitute(IReadOnlyDictionary<ParameterExpression, Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            values.TryGetValue(node, out var value) ? value : node;
    }

    private sealed class Expander : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var method = node.Method;
            if (method.DeclaringType == typeof(InvoiceQueryRules))
            {
                var source = Visit(node.Arguments[0]);
                var argument = Visit(node.Arguments[1]);
                return method.Name switch
                {
                    nameof(WhereOpen) => Where(source, OpenInvoiceRule.IsOpen, argument),
                    nameof(WherePayable) => Where(source, OpenInvoiceRule.IsPayable, argument),
                    nameof(WhereNotYetDue) => NotYetDue(source, argument),
                    _ => throw new NotSupportedException($"{method.Name} cannot be expanded."),
                };
            }
            var ordering = method.DeclaringType == typeof(OldestFirstOrdering);
            if (ordering && typeof(IQueryable).IsAssignableFrom(method.ReturnType))
            {
                var thenBy = method.Name == nameof(OldestFirstOrdering.ThenOldestFirst);
                return OldestFirst.Ordered(Visit(node.Arguments[0]), method.GetGenericArguments()[0], thenBy);
            }
            return base.VisitMethodCall(node);
        }
    }
}
