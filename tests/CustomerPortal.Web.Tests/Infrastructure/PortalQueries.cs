using CustomerPortal.Domain.Allocation;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Infrastructure;

/// <summary>An open invoice with a balance, as the tests pick them: its id, its balance and its parent (if a
/// child).</summary>
public sealed record PayableInvoice(long Id, long Balance, long? Parent);

/// <summary>The reads of a portal's database that many tests need, in one place.</summary>
public static class PortalQueries
{
    /// <summary>The id of the customer with <paramref name="accountNumber"/> ("1001" is Summit).</summary>
    public static Task<long> CustomerIdAsync(this PortalFactory factory, string accountNumber) =>
        factory.WithDbAsync(db =>
            db.Customers.Where(c => c.AccountNumber == accountNumber).Select(c => c.Id).SingleAsync());

    public static Task<string> UserIdAsync(this PortalFactory factory, string email) =>
        factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>
    /// The customer's invoices that have something left to pay (single-site invoices and multi-site children), oldest
    /// first (<see cref="OldestFirst"/>, the order payments apply in).
    /// </summary>
    public static async Task<List<PayableInvoice>> PayableInvoicesAsync(
        this PortalFactory factory, string accountNumber)
    {
        var customerId = await factory.CustomerIdAsync(accountNumber);
        var rows = await factory.WithDbAsync(db => db.Invoices
            .Where(i => i.CustomerId == customerId && !i.IsVoid && i.BalanceCents > 0)
            .OrderOldestFirst()
            .Select(i => new { i.Id, i.BalanceCents, i.MultiSiteInvoiceId })
            .ToListAsync());
        return rows.Select(r => new PayableInvoice(r.Id, r.BalanceCents, r.MultiSiteInvoiceId)).ToList();
    }
}
