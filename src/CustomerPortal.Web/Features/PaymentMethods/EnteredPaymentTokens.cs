using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Shared;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// Whose a processor token is (payments.md, "Tokens and saved methods belong to one customer"). A token becomes a
/// contact's when the processor's form hands it to the portal in that contact's request: the sandbox's entry form right
/// after it made the token, Stripe's Payment Element with the Pay form. From then on only that contact of that customer
/// can show, save or pay with it, and only for <see cref="EnteredPaymentToken.Lifetime"/>. The token is kept here, so
/// the checkout never needs it in a URL or a page.
/// </summary>
public sealed class EnteredPaymentTokens(AppDbContext db, IPaymentGateway gateway, TimeProvider clock,
    ILogger<EnteredPaymentTokens> log)
{
    /// <summary>
    /// The token as this contact's: the one already handed over by them, or — when nobody has handed it over yet and
    /// the processor has it attached to nobody or to this customer — made theirs now. Null (answer 404) when it is
    /// someone else's, has expired, or the processor does not know it. Checked before any call that could use it.
    /// </summary>
    public async Task<EnteredPaymentToken?> HandOverAsync(CustomerAccess access, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > EnteredPaymentToken.MaxTokenLength) return null;
        var now = clock.GetUtcNow();
        var held = await db.EnteredPaymentTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Token == token, ct);
        if (held is not null) return Owned(held, access, now);

        var details = await gateway.GetPaymentMethodAsync(token, cancellationToken: ct);
        if (details is null) return null;
        if (details.ProcessorCustomerId is { } owner)
        {
            var ours = await db.Customers.AsNoTracking().Where(c => c.Id == access.CustomerId)
                .Select(c => c.ProcessorCustomerId).SingleAsync(ct);
            if (owner != ours)
            {
                log.LogWarning("Customer {CustomerId} handed over a payment method of another processor customer",
                    access.CustomerId);
                return null;
            }
        }

        var entered = new EnteredPaymentToken(token, access.CustomerId, access.ActorUserId, now);
        db.EnteredPaymentTokens.Add(entered);
        try
        {
            await db.SaveChangesAsync(ct);
            return entered;
        }
        catch (DbUpdateException)
        {
            // Handed over at the same moment by another request (unique token): whoever was first owns it.
            db.Entry(entered).State = EntityState.Detached;
            held = await db.EnteredPaymentTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Token == token, ct);
            return held is null ? null : Owned(held, access, now);
        }
    }

    /// <summary>An entered token by its id (the checkout's "entered-{id}"), if this contact's and unexpired.</summary>
    public async Task<EnteredPaymentToken?> FindAsync(CustomerAccess access, long id, CancellationToken ct)
    {
        var held = await db.EnteredPaymentTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        return held is null ? null : Owned(held, access, clock.GetUtcNow());
    }

    /// <summary>
    /// "The card you just entered": this contact's newest token that has not expired, is not a saved method of the
    /// customer and has paid nothing yet (a payment with it, declined or not, ends its offer on the checkout).
    /// </summary>
    public Task<EnteredPaymentToken?> LatestUnusedAsync(CustomerAccess access, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.EnteredPaymentTokens.AsNoTracking()
            .Where(t => t.CustomerId == access.CustomerId && t.UserId == access.ActorUserId && t.ExpiresAt > now)
            .Where(t => !db.Payments.Any(p => p.CustomerId == t.CustomerId && p.ProcessorMethodToken == t.Token))
            .Where(t => !db.SavedPaymentMethods.Any(m =>
                m.CustomerId == t.CustomerId && m.ProcessorMethodId == t.Token && m.RemovedAt == null))
            .OrderByDescending(t => t.Id)
            .FirstOrDefaultAsync(ct);
    }

    private EnteredPaymentToken? Owned(EnteredPaymentToken held, CustomerAccess access, DateTimeOffset now)
    {
        if (held.BelongsTo(access.CustomerId, access.ActorUserId, now)) return held;
        if (held.CustomerId != access.CustomerId || held.UserId != access.ActorUserId)
            log.LogWarning("Customer {CustomerId} used an entered payment method {EnteredId} that is not theirs",
                access.CustomerId, held.Id);
        return null;
    }
}
