using System.Linq.Expressions;

namespace CustomerPortal.Domain.Invoices;

/// <summary>
/// "Open": an invoice that is not void and has a balance left or a payment pending. A "Payment pending" invoice
/// (balance 0 only because of unsettled payments) stays open, in the tables and the totals, but is not
/// <see cref="IsPayable"/>: paying it again could charge twice. The one definition: every query filters with it
/// (through <c>InvoiceQueryRules</c>, which keeps the SQL index-friendly), and the SQL the database runs on its own
/// (the totals triggers' check) uses <see cref="OpenSql"/>, which a test holds equal to it.
/// </summary>
public static class OpenInvoiceRule
{
    /// <summary>Not void, and something left to pay or still pending.</summary>
    public static Expression<Func<Invoice, bool>> IsOpen { get; } =
        i => !i.IsVoid && (i.BalanceCents > 0 || i.PendingCents > 0);

    /// <summary>
    /// Open with a balance left: what a payment can be applied to (a snapshot's <see cref="OpenInvoice.HasBalance"/>).
    /// </summary>
    public static Expression<Func<Invoice, bool>> IsPayable { get; } =
        i => !i.IsVoid && i.BalanceCents > 0;

    /// <summary>
    /// <see cref="IsOpen"/> over the Invoices table's columns, for SQL written by hand (both providers). The triggers
    /// of migration <c>CustomerInvoiceTotals</c> carry the same predicate; migrations do not change, so a test holds
    /// them to it.
    /// </summary>
    public const string OpenSql = "IsVoid = 0 AND (BalanceCents > 0 OR PendingCents > 0)";

    /// <summary>Among open invoices, <see cref="IsPayable"/> over the Invoices table's columns.</summary>
    public const string HasBalanceSql = "BalanceCents > 0";
}
