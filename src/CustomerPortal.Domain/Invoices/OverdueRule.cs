using System.Linq.Expressions;

namespace CustomerPortal.Domain.Invoices;

/// <summary>
/// "Overdue on the company's today": an invoice with a balance left whose due date is before today, where today is the
/// date in the company's time zone (<see cref="Companies.Company.TodayIn"/>), so an invoice becomes overdue at the
/// company's midnight, not the server's or the browser's. An invoice due today is not overdue.
/// </summary>
public static class OverdueRule
{
    /// <summary>
    /// Not (yet) overdue on <c>today</c>: due today or later. The Account Overview reads the balance of these in SQL
    /// (<c>IX_Invoices_NotYetDue</c>) and takes it off the Balance (<see cref="Overview.AccountOverview.Of"/>).
    /// </summary>
    public static Expression<Func<DateOnly, DateOnly, bool>> NotYetDue { get; } = (dueDate, today) => dueDate >= today;

    private static readonly Func<DateOnly, DateOnly, bool> IsNotYetDue = NotYetDue.Compile();

    /// <summary>A balance left and due before <paramref name="today"/> (the company's).</summary>
    public static bool IsOverdue(long balanceCents, DateOnly dueDate, DateOnly today) =>
        balanceCents > 0 && !IsNotYetDue(dueDate, today);
}
