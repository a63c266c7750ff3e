using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// The Payment methods page: the customer's saved methods, the one this contact just entered (offered for saving),
/// the standing bank debit authorization, and whether this viewer may change anything (not in view-as).
/// </summary>
public sealed record MethodsView(IReadOnlyList<MethodOption> Methods, NewMethodOption? NewMethod, string AchText,
    bool CanChange, bool CanEnterHere, string? Message = null, string? Error = null);

/// <summary>
/// Saved payment methods of the signed-in customer: list, add (through the processor's setup), make default, remove.
/// </summary>
public sealed class PaymentMethodService(AppDbContext db, IPaymentGateway gateway, EnteredPaymentTokens tokens,
    TimeProvider clock, ILogger<PaymentMethodService> log)
{
    public const string NotYours = "That payment method is not one of yours.";

    public async Task<MethodOption?> FindAsync(CustomerAccess access, long id, CancellationToken ct)
    {
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        var m = await db.SavedPaymentMethods.AsNoTracking()
            .SingleOrDefaultAsync(x => x.Id == id && x.CustomerId == access.CustomerId && x.RemovedAt == null, ct);
        return m is null ? null : Option(m, today);
    }

    /// <summary>
    /// The Payment methods page: saved methods (default first), and the method this contact just entered.
    /// </summary>
    public async Task<MethodsView> PageAsync(CustomerAccess access, bool canEnterHere, CancellationToken ct)
    {
        var today = Company.TodayIn(access.CompanyTimeZone, clock);
        var saved = await db.SavedPaymentMethods.AsNoTracking()
            .Where(m => m.CustomerId == access.CustomerId && m.RemovedAt == null)
            .OrderByDescending(m => m.IsDefault).ThenBy(m => m.Id).ToListAsync(ct);
        var canChange = PlanGate.MayChange(access);
        return new MethodsView(saved.Select(m => Option(m, today)).ToList(),
            canChange ? await EnteredMethodAsync(access, ct) : null,
            AchAuthorization.StandingText(access.CompanyName), canChange, canEnterHere);
    }

    /// <summary>
    /// What this contact just entered in the processor's form and has neither saved nor paid with, checked with the
    /// processor (attached to nobody or to this customer); null when there is none.
    /// </summary>
    public async Task<NewMethodOption?> EnteredMethodAsync(CustomerAccess access, CancellationToken ct)
    {
        if (await tokens.LatestUnusedAsync(access, ct) is not { } entered) return null;
        if (await gateway.GetPaymentMethodAsync(entered.Token, cancellationToken: ct) is not { } d) return null;
        var processorCustomer = await db.Customers.AsNoTracking().Where(c => c.Id == access.CustomerId)
            .Select(c => c.ProcessorCustomerId).SingleAsync(ct);
        if (d.ProcessorCustomerId is not null && d.ProcessorCustomerId != processorCustomer) return null;
        return new NewMethodOption(entered.Id, d.Kind, SavedMethodStore.Summary(d),
            d.Kind == PaymentMethodKind.Card ? $"Expires {d.ExpMonth:00}/{d.ExpYear}" : SavedMethodStore.BankDetail);
    }

    /// <summary>
    /// Saves the method this contact entered (<see cref="NewMethodOption.EnteredId"/>) without paying; 404 when the
    /// entered method is not theirs or has expired.
    /// </summary>
    public async Task<PayOutcome> SaveEnteredAsync(CustomerAccess access, long enteredId, bool achAuthorized,
        PayClient client, CancellationToken ct)
    {
        if (PlanGate.RefuseIfNotAllowed(access) is { } refused) return refused;
        if (await tokens.FindAsync(access, enteredId, ct) is not { } entered)
            return PayOutcome.Refused(404, NotYours);
        return await AddAsync(access, entered.Token, achAuthorized, client, ct);
    }

    private static MethodOption Option(SavedPaymentMethod m, DateOnly today)
    {
        var expired = m.IsExpiredOn(today);
        var detail = m.Kind != PaymentMethodKind.Card ? SavedMethodStore.BankDetail
            : $"{(expired ? "Expired" : "Expires")} {m.ExpMonth:00}/{m.ExpYear}";
        return new(m.Id, m.Kind, m.Summary, detail, expired, m.IsDefault, m.ReturnNotice);
    }

    /// <summary>Saves a method entered in the processor's form without paying (setup, off-session use later).</summary>
    public async Task<PayOutcome> AddAsync(CustomerAccess access, string? token, bool achAuthorized, PayClient client,
        CancellationToken ct)
    {
        if (PlanGate.RefuseIfNotAllowed(access) is { } refused) return refused;
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
            return PayOutcome.Refused(400, "Enter the card or bank account first.");
        var already = await db.SavedPaymentMethods.AsNoTracking().Where(m => m.CustomerId == access.CustomerId
            && m.ProcessorMethodId == token && m.RemovedAt == null).Select(m => (long?)m.Id).SingleOrDefaultAsync(ct);
        if (already is { } savedId) return PayOutcome.Payment(savedId);
        // Before the processor attaches anything: a token another customer or contact entered, or an expired one.
        if (await tokens.HandOverAsync(access, token, ct) is null) return PayOutcome.Refused(404, NotYours);
        var details = await gateway.GetPaymentMethodAsync(token, cancellationToken: ct);
        if (details is null) return PayOutcome.Refused(400, "That payment method could not be found. Enter it again.");
        if (details.Kind == PaymentMethodKind.BankAccount && !achAuthorized)
            return PayOutcome.Refused(400, "Accept the bank debit authorization to save a bank account.",
                "AchAuthorized");
        var customer = await db.Customers.SingleAsync(c => c.Id == access.CustomerId, ct);
        if (customer.ProcessorCustomerId is null)
        {
            customer.LinkProcessorCustomer(await gateway.EnsureCustomerAsync(
                new GatewayCustomer(customer.CompanyId, customer.Id, customer.Name, customer.ContactEmail), ct));
            await db.SaveChangesAsync(ct);
        }
        if (details.ProcessorCustomerId is { } owner && owner != customer.ProcessorCustomerId)
            return PayOutcome.Refused(404, NotYours);

        var now = clock.GetUtcNow();
        var mandate = details.Kind == PaymentMethodKind.BankAccount
            ? new MandateAcceptance(now, client.IpAddress, client.UserAgent)
            : null;
        var setup = await gateway.CreateSetupAsync(new SetupRequest(customer.ProcessorCustomerId!, details.Kind), ct);
        var confirmed = await gateway.ConfirmSetupAsync(
            new ConfirmSetupRequest(setup.SetupId, token, null, mandate), ct);
        if (confirmed.Outcome != SetupOutcome.Succeeded)
            return PayOutcome.Refused(400, confirmed.FailureMessage
                ?? FailureMessages.For(confirmed.FailureCode, details.Kind));

        var saved = await SavedMethodStore.SaveAsync(db, access.CustomerId,
            details with { ProcessorCustomerId = customer.ProcessorCustomerId }, now, ct);
        await db.SaveChangesAsync(ct);
        if (mandate is not null)
        {
            db.AchMandates.Add(new AchMandate(access.CustomerId, saved.Id, token, AchAuthorization.Version,
                AchAuthorization.StandingText(access.CompanyName),
                now, client.IpAddress, client.UserAgent));
            await db.SaveChangesAsync(ct);
        }
        log.LogInformation("Customer {CustomerId} saved payment method {SavedMethodId} ({Kind})", access.CustomerId,
            saved.Id, saved.Kind);
        return PayOutcome.Payment(saved.Id);
    }

    public async Task<PayOutcome> RemoveAsync(CustomerAccess access, long id, CancellationToken ct)
    {
        if (PlanGate.RefuseIfNotAllowed(access) is { } refused) return refused;
        var method = await db.SavedPaymentMethods.SingleOrDefaultAsync(
            m => m.Id == id && m.CustomerId == access.CustomerId && m.RemovedAt == null, ct);
        if (method is null) return PayOutcome.Refused(404, NotYours);
        var processorCustomer = await db.Customers.Where(c => c.Id == access.CustomerId)
            .Select(c => c.ProcessorCustomerId).SingleAsync(ct);
        if (processorCustomer is not null)
        {
            var detached = await gateway.DetachPaymentMethodAsync(processorCustomer, method.ProcessorMethodId,
                cancellationToken: ct);
            if (detached == DetachOutcome.NotOwned) return PayOutcome.Refused(404, NotYours);
        }
        var now = clock.GetUtcNow();
        var wasDefault = method.IsDefault;
        method.Remove(now);
        if (wasDefault)
        {
            var today = Company.TodayIn(access.CompanyTimeZone, clock);
            var next = (await db.SavedPaymentMethods
                .Where(m => m.CustomerId == access.CustomerId && m.RemovedAt == null && m.Id != id)
                .OrderByDescending(m => m.Id).ToListAsync(ct)).FirstOrDefault(m => !m.IsExpiredOn(today));
            next?.MakeDefault(true);
        }
        await db.SaveChangesAsync(ct);
        log.LogInformation("Customer {CustomerId} removed payment method {SavedMethodId}", access.CustomerId, id);
        return PayOutcome.Payment(id);
    }

    public async Task<PayOutcome> MakeDefaultAsync(CustomerAccess access, long id, CancellationToken ct)
    {
        if (PlanGate.RefuseIfNotAllowed(access) is { } refused) return refused;
        var all = await db.SavedPaymentMethods.Where(m => m.CustomerId == access.CustomerId && m.RemovedAt == null)
            .ToListAsync(ct);
        var chosen = all.SingleOrDefault(m => m.Id == id);
        if (chosen is null) return PayOutcome.Refused(404, NotYours);
        if (chosen.IsExpiredOn(Company.TodayIn(access.CompanyTimeZone, clock)))
            return PayOutcome.Refused(400, "An expired card cannot be the default.");
        if (chosen.ReturnNotice is { } returned) return PayOutcome.Refused(400, $"{chosen.Summary}: {returned}.");
        foreach (var m in all) m.MakeDefault(m.Id == id);
        await db.SaveChangesAsync(ct);
        return PayOutcome.Payment(id);
    }
}
