using CustomerPortal.Domain.Customers;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.Payments;

/// <summary>A payment found by its idempotency key.</summary>
public sealed record KeyedPayment(long Id, PaymentStatus Status);

/// <summary>
/// The queries every payment runs (checkout, Pay, write-ahead, verdict), compiled once: EF then skips translating and
/// caching the expression on every execution, which cost about as much as running these small queries on SQLite.
/// Tracked where the caller changes what it reads. The draft is read through <c>DraftStore</c>.
/// </summary>
internal static class PaymentPathQueries
{
    public static readonly Func<AppDbContext, string, Task<KeyedPayment?>> PaymentByKey =
        EF.CompileAsyncQuery((AppDbContext db, string key) =>
            db.Payments.AsNoTracking().Where(p => p.IdempotencyKey == key)
                .Select(p => new KeyedPayment(p.Id, p.Status)).SingleOrDefault());

    public static readonly Func<AppDbContext, long, Task<Customer?>> CustomerTracked =
        EF.CompileAsyncQuery((AppDbContext db, long customerId) =>
            db.Customers.AsTracking().SingleOrDefault(c => c.Id == customerId));

    public static readonly Func<AppDbContext, long, long, Task<SavedPaymentMethod?>> SavedMethod =
        EF.CompileAsyncQuery((AppDbContext db, long methodId, long customerId) =>
            db.SavedPaymentMethods.AsNoTracking()
                .SingleOrDefault(m => m.Id == methodId && m.CustomerId == customerId && m.RemovedAt == null));

    public static readonly Func<AppDbContext, long, IAsyncEnumerable<SavedPaymentMethod>> SavedMethods =
        EF.CompileAsyncQuery((AppDbContext db, long customerId) =>
            db.SavedPaymentMethods.AsNoTracking().Where(m => m.CustomerId == customerId && m.RemovedAt == null)
                .OrderByDescending(m => m.IsDefault).ThenBy(m => m.Id).AsQueryable());

    public static readonly Func<AppDbContext, long, Task<Payment?>> PaymentWithAllocationsTracked =
        EF.CompileAsyncQuery((AppDbContext db, long paymentId) =>
            db.Payments.AsTracking().Include(p => p.Allocations).SingleOrDefault(p => p.Id == paymentId));

    public static readonly Func<AppDbContext, List<long>, IAsyncEnumerable<Invoice>> InvoicesTracked =
        EF.CompileAsyncQuery((AppDbContext db, List<long> ids) =>
            db.Invoices.AsTracking().Where(i => ids.Contains(i.Id)));

    /// <summary>
    /// The customer's named invoices that are open (<see cref="OpenInvoiceRule.IsOpen"/>: not void and not fully paid),
    /// the planner's input; <c>isVoid</c> is false (see <see cref="InvoiceQueryRules.WhereOpen"/>).
    /// </summary>
    public static readonly Func<AppDbContext, long, bool, List<long>, IAsyncEnumerable<Invoice>> OpenInvoicesTracked =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, bool isVoid, List<long> ids) =>
            db.Invoices.AsTracking().Where(i => i.CustomerId == customerId && ids.Contains(i.Id)).WhereOpen(isVoid)));

    public static readonly Func<AppDbContext, long, bool, List<long>, IAsyncEnumerable<Invoice>> OpenInvoicesUntracked =
        EF.CompileAsyncQuery(InvoiceQueryRules.Expand((AppDbContext db, long customerId, bool isVoid, List<long> ids) =>
            db.Invoices.AsNoTracking().Where(i => i.CustomerId == customerId && ids.Contains(i.Id)).WhereOpen(isVoid)));

    public static readonly Func<AppDbContext, long, List<long>, IAsyncEnumerable<OpenMultiSiteInvoice>> Parents =
        EF.CompileAsyncQuery((AppDbContext db, long customerId, List<long> parentIds) =>
            db.MultiSiteInvoices.AsNoTracking().Where(m => m.CustomerId == customerId && parentIds.Contains(m.Id))
                .Select(m => new OpenMultiSiteInvoice(m.Id, m.Number, m.InvoiceDate, m.DueDate)));
}
