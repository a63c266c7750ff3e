using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// The demo's saved payment methods (make-a-payment.md, "Demo data"): Summit Builders gets a Visa card (default) and a
/// checking account, Alpine Events a card that has expired (shown, cannot be chosen). Each is entered into the sandbox
/// processor (which keeps brand, last 4 and expiry only) and saved through <see cref="PaymentMethodService.AddAsync"/>,
/// exactly as a customer saving a method would, so the portal only ever holds the token. Runs after
/// <see cref="DemoDataSeeder"/>, only while the sandbox is the processor; repeatable: a customer that has ever had a
/// saved method of a kind (even one removed since) gets none of that kind from here.
/// </summary>
public sealed class DemoPaymentMethodSeeder(AppDbContext db, SandboxProcessor sandbox, PaymentMethodService methods,
    ILogger<DemoPaymentMethodSeeder> log)
{
    /// <summary>Where the bank debit authorization of a seeded account says it was accepted from.</summary>
    public static readonly PayClient SeedClient = new("demo-seed", "CustomerPortal demo seed", "");

    /// <summary>Who entered the seeded methods (an entered token belongs to a contact: here, the seed).</summary>
    public const string SeedActor = "demo-seed";

    private sealed record DemoCard(string Number, int ExpMonth, int ExpYear, DateTimeOffset? EnteredAt = null);

    private sealed record DemoBank(string Routing, string Account);

    /// <summary>Seeds what is missing; returns how many methods were saved.</summary>
    public async Task<int> SeedAsync(CancellationToken ct = default)
    {
        var saved = 0;
        saved += await SeedCustomerAsync(DemoAccounts.ProCustomer, new DemoCard("4242424242424242", 12, 2029),
            new DemoBank(SandboxInstruments.TestRoutingNumber, "000123456789"), ct);
        // Saved in 2023, expired at the end of January 2024.
        saved += await SeedCustomerAsync(DemoAccounts.SecondCustomer,
            new DemoCard("4242424242424242", 1, 2024,
                new DateTimeOffset(2023, 6, 1, 12, 0, 0, TimeSpan.Zero)), null, ct);
        return saved;
    }

    private async Task<int> SeedCustomerAsync(string contactEmail, DemoCard? card, DemoBank? bank, CancellationToken ct)
    {
        var access = await (from c in db.Customers.AsNoTracking()
                            join co in db.Companies.AsNoTracking() on c.CompanyId equals co.Id
                            where c.ContactEmail == contactEmail
                            select new CustomerAccess(c.Id, co.Id, c.Name, c.AccountNumber, co.Name, co.Plan,
                                co.TimeZoneId, SeedActor, false))
            .FirstOrDefaultAsync(ct);
        if (access is null) return 0;
        var kinds = await db.SavedPaymentMethods.AsNoTracking().Where(m => m.CustomerId == access.CustomerId)
            .Select(m => m.Kind).Distinct().ToListAsync(ct);

        var saved = 0;
        if (card is not null && !kinds.Contains(PaymentMethodKind.Card))
        {
            var token = card.EnteredAt is { } at
                ? await sandbox.TokenizeCardAsOfAsync(card.Number, card.ExpMonth, card.ExpYear, "123", at, ct)
                : await sandbox.TokenizeCardAsync(card.Number, card.ExpMonth, card.ExpYear, "123", ct);
            saved += await SaveAsync(access, token, achAuthorized: false, ct);
        }
        if (bank is not null && !kinds.Contains(PaymentMethodKind.BankAccount))
        {
            var token = await sandbox.TokenizeBankAccountAsync(bank.Routing, bank.Account, "checking", ct);
            saved += await SaveAsync(access, token, achAuthorized: true, ct);
        }
        return saved;
    }

    private async Task<int> SaveAsync(CustomerAccess access, TokenizeResult token, bool achAuthorized,
        CancellationToken ct)
    {
        if (!token.Succeeded)
        {
            log.LogWarning("Demo payment method for customer {CustomerId} was refused by the sandbox: {Code}",
                access.CustomerId, token.ErrorCode);
            return 0;
        }
        var outcome = await methods.AddAsync(access, token.Token, achAuthorized, SeedClient, ct);
        db.ChangeTracker.Clear();
        if (outcome.IsPayment) return 1;
        log.LogWarning("Demo payment method for customer {CustomerId} was not saved: {Message}", access.CustomerId,
            outcome.Message);
        return 0;
    }
}
