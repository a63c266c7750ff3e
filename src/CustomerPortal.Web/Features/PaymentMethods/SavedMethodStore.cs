using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>Saving a processor's payment method on the customer: one place for the checkout and the methods page.</summary>
public static class SavedMethodStore
{
    /// <summary>The line under a bank account's summary (which already names the bank and account type).</summary>
    public const string BankDetail = "Bank transfer (ACH) · clears in a few business days";

    public static string Summary(PaymentMethodDetails d) => d.Kind == PaymentMethodKind.Card
        ? $"{d.Brand ?? "Card"} •••• {d.Last4}"
        : $"{d.BankName ?? "Bank"} {d.AccountType ?? "account"} •••• {d.Last4}";

    /// <summary>
    /// Adds the method (or brings back one removed, or returned by the bank as closed, earlier); the first usable one
    /// becomes the default. Caller saves.
    /// </summary>
    public static async Task<SavedPaymentMethod> SaveAsync(AppDbContext db, long customerId, PaymentMethodDetails d, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.SavedPaymentMethods.SingleOrDefaultAsync(m => m.CustomerId == customerId && m.ProcessorMethodId == d.Token, ct);
        if (existing is not null && !existing.IsRemoved && !existing.IsReturned) return existing;
        // Re-added after removal, or after a return that closed it: a fresh row, same token.
        if (existing is not null) db.SavedPaymentMethods.Remove(existing);
        var method = d.Kind == PaymentMethodKind.Card
            ? SavedPaymentMethod.Card(customerId, d.Token, d.Brand ?? "Card", d.Last4, d.ExpMonth ?? 0, d.ExpYear ?? 0, now)
            : SavedPaymentMethod.BankAccount(customerId, d.Token, d.BankName ?? "Bank", d.AccountType ?? "checking", d.Last4, now);
        if (method.Kind == PaymentMethodKind.BankAccount)
        {
            // The same account added again after the bank returned a debit as closed or invalid: this row replaces the
            // returned one, so the account is offered again. The portal keeps no account number: the same bank, type
            // and last 4 is the same account.
            var returned = await db.SavedPaymentMethods.Where(m => m.CustomerId == customerId && m.RemovedAt == null
                    && m.ReturnCode != null && m.Kind == PaymentMethodKind.BankAccount && m.Last4 == method.Last4
                    && m.BankName == method.BankName && m.AccountType == method.AccountType)
                .ToListAsync(ct);
            foreach (var old in returned) old.Remove(now);
        }
        var hasDefault = await db.SavedPaymentMethods.AnyAsync(m => m.CustomerId == customerId && m.RemovedAt == null && m.IsDefault, ct);
        if (!hasDefault && !method.IsExpiredOn(DateOnly.FromDateTime(now.UtcDateTime))) method.MakeDefault(true);
        db.SavedPaymentMethods.Add(method);
        return method;
    }
}
