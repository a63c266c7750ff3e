using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Api.Customers;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api.Payments;

public sealed record PaymentAllocationView(string InvoiceId, string InvoiceNumber, long AmountCents);

public sealed record PaymentView(
    long Id, string ReceiptNumber, string CustomerId, string Status, long AmountCents, string MethodKind,
    string MethodSummary, string Source, string? ProcessorPaymentId, string? FailureCode, string? FailureMessage,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt,
    IReadOnlyList<PaymentAllocationView> Allocations);

/// <summary>A page of payments in id order. Pass <see cref="NextCursor"/> as <c>after</c> to read on.</summary>
public sealed record PaymentPage(IReadOnlyList<PaymentView> Items, long NextCursor, bool HasMore);

/// <summary>
/// A saved card or bank account as the back office may see it: never a full number or a processor token.
/// </summary>
public sealed record SavedPaymentMethodView(
    long Id, string Kind, string? Brand, string? BankName, string? AccountType, string Last4, int? ExpMonth,
    int? ExpYear, bool IsExpired, bool IsDefault, DateTimeOffset CreatedAt);

/// <summary>
/// Payments made in the portal (for the back office to post) and the saved methods of a customer.
/// </summary>
public sealed class PaymentApiService(AppDbContext db, CustomerApiService customers, TimeProvider clock)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    /// <summary>Payments of the company with an id above <paramref name="after"/>, oldest first.</summary>
    public async Task<PaymentPage> ListAsync(long companyId, long? after, int? limit, CancellationToken ct)
    {
        var errors = new ApiErrors();
        if (after is < 0) errors.Add("after", "The cursor is a payment id, zero or more.");
        if (limit is < 1 or > MaxPageSize) errors.Add("limit", $"Between 1 and {MaxPageSize}.");
        errors.ThrowIfAny();
        var cursor = after ?? 0;
        var size = limit ?? DefaultPageSize;

        var rows = await Project(db.Payments.AsNoTracking()
                .Where(p => p.CompanyId == companyId && p.Id > cursor)
                .OrderBy(p => p.Id)
                .Take(size + 1))
            .ToListAsync(ct);
        var hasMore = rows.Count > size;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        return new PaymentPage(rows, rows.Count > 0 ? rows[^1].Id : cursor, hasMore);
    }

    public async Task<PaymentView> GetAsync(long companyId, long id, CancellationToken ct) =>
        await Project(db.Payments.AsNoTracking().Where(p => p.CompanyId == companyId && p.Id == id))
            .SingleOrDefaultAsync(ct)
        ?? throw ApiProblem.NotFound($"No payment with id {id}.");

    public async Task<IReadOnlyList<SavedPaymentMethodView>> ListMethodsAsync(
        long companyId, string customerRouteId, CancellationToken ct)
    {
        var customerKey = await customers.CustomerKeyAsync(companyId, customerRouteId, ct);
        var timeZone = await db.Companies.AsNoTracking()
            .Where(c => c.Id == companyId)
            .Select(c => c.TimeZoneId)
            .SingleAsync(ct);
        var today = Company.TodayIn(timeZone, clock);
        var methods = await db.SavedPaymentMethods.AsNoTracking()
            .Where(m => m.CustomerId == customerKey && m.RemovedAt == null)
            .OrderByDescending(m => m.IsDefault).ThenBy(m => m.Id)
            .ToListAsync(ct);
        return methods.Select(m => new SavedPaymentMethodView(m.Id, m.Kind.ToString(), m.Brand, m.BankName,
            m.AccountType, m.Last4, m.ExpMonth, m.ExpYear, m.IsExpiredOn(today), m.IsDefault, m.CreatedAt)).ToList();
    }

    /// <summary>
    /// The portal's id of a saved method of a customer of the company, or 404. A method the customer removed is still
    /// found here, so that charging it is answered as a broken rule (422, "removed") rather than as an unknown id.
    /// </summary>
    public async Task<(long CustomerKey, long MethodId)> MethodKeyAsync(
        long companyId, string customerRouteId, long methodId, CancellationToken ct)
    {
        var customerKey = await customers.CustomerKeyAsync(companyId, customerRouteId, ct);
        var exists = await db.SavedPaymentMethods.AsNoTracking()
            .AnyAsync(m => m.Id == methodId && m.CustomerId == customerKey, ct);
        return exists
            ? (customerKey, methodId)
            : throw ApiProblem.NotFound($"No saved payment method {methodId} for customer '{customerRouteId}'.");
    }

    private IQueryable<PaymentView> Project(IQueryable<Payment> payments) =>
        from p in payments
        join c in db.Customers on p.CustomerId equals c.Id
        select new PaymentView(
            p.Id, p.ReceiptNumber, c.ExternalId, p.Status.ToString(), p.AmountCents, p.MethodKind.ToString(),
            p.MethodSummary, p.Source.ToString(), p.ProcessorPaymentId, p.FailureCode, p.FailureMessage,
            p.CreatedAt, p.UpdatedAt, p.CompletedAt,
            (from a in db.PaymentAllocations
             join i in db.Invoices on a.InvoiceId equals i.Id
             where a.PaymentId == p.Id
             orderby a.Id
             select new PaymentAllocationView(i.ExternalId, i.Number, a.AmountCents)).ToList());
}
