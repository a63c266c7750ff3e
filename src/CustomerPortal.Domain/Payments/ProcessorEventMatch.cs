using CustomerPortal.Domain.Payments.Gateway;

namespace CustomerPortal.Domain.Payments;

/// <summary>
/// What a processor says about one of its payments that decides which portal payment it is: its id, amount, currency,
/// and the idempotency key and portal payment id it was created with (its metadata). Null where it says nothing.
/// </summary>
public sealed record ProcessorClaim(string? ProcessorPaymentId, long? AmountCents, string? Currency,
    string? IdempotencyKey, long? PortalPaymentId)
{
    /// <summary>The processor's record of the payment (re-read, or found by key).</summary>
    public static ProcessorClaim Of(ProcessorPayment p) =>
        new(p.ProcessorPaymentId, p.AmountCents, p.Currency, p.IdempotencyKey, p.PortalPaymentId);

    /// <summary>The payment object an event carries.</summary>
    public static ProcessorClaim Of(ProcessorEvent e) =>
        new(e.ProcessorPaymentId, e.AmountCents, e.Currency, e.IdempotencyKey, e.PortalPaymentId);
}

/// <summary>Which parts of a <see cref="ProcessorClaim"/> disagree with the portal's payment.</summary>
[Flags]
public enum ProcessorMismatch
{
    None = 0,
    ProcessorPaymentId = 1,
    Amount = 2,
    Currency = 4,
    IdempotencyKey = 8,
    PortalPaymentId = 16,
}

/// <summary>
/// The rule (payments.md, "Processor events") that a processor's payment moves a portal payment only if it is that
/// payment: the processor id the portal stored (any non-empty id before the portal knows one, which the key then
/// binds), the payment's amount in cents, its currency, its idempotency key, and (when the processor names one) the
/// same portal payment id. The ledger applies nothing that does not match; the webhook checks the event itself too.
/// </summary>
public static class ProcessorEventMatch
{
    public static ProcessorMismatch Check(Payment payment, ProcessorClaim claim)
    {
        var mismatch = ProcessorMismatch.None;
        var (stored, claimed) = (payment.ProcessorPaymentId, claim.ProcessorPaymentId);
        if (string.IsNullOrEmpty(claimed) || (stored is not null && stored != claimed))
            mismatch |= ProcessorMismatch.ProcessorPaymentId;
        if (claim.AmountCents != payment.AmountCents) mismatch |= ProcessorMismatch.Amount;
        if (!string.Equals(claim.Currency, payment.Currency, StringComparison.OrdinalIgnoreCase))
            mismatch |= ProcessorMismatch.Currency;
        if (claim.IdempotencyKey != payment.IdempotencyKey) mismatch |= ProcessorMismatch.IdempotencyKey;
        if (claim.PortalPaymentId is { } named && named != payment.Id) mismatch |= ProcessorMismatch.PortalPaymentId;
        return mismatch;
    }
}
