using CustomerPortal.Domain.Payments.Gateway;

namespace CustomerPortal.Domain.Payments;

/// <summary>
/// One payment: written ahead (status Submitted, allocations reserved on the invoices) before the processor is
/// called, then moved forward by the processor's answer, its events, or the reconciler.
/// </summary>
public sealed class Payment
{
    /// <summary>
    /// The currency the portal charges in (lower-case ISO 4217, as processors write it). Every payment is charged in
    /// it, so it is not stored per payment.
    /// </summary>
    public const string ChargeCurrency = "usd";

    private readonly List<PaymentAllocation> _allocations = [];

    private Payment() { }

    public Payment(long companyId, long customerId, string idempotencyKey, PaymentMethodKind methodKind,
        string methodSummary, long? savedPaymentMethodId, string processorMethodToken, PaymentSource source,
        string submittedBy, DateTimeOffset now, IEnumerable<PaymentAllocation> allocations)
    {
        var list = allocations.ToList();
        if (list.Count == 0) throw new DomainException("A payment must be applied to at least one invoice.");
        if (list.Any(a => a.AmountCents <= 0))
            throw new DomainException("Every invoice in a payment must receive more than zero.");
        if (list.Select(a => a.InvoiceId).Distinct().Count() != list.Count)
            throw new DomainException("An invoice appears twice in one payment.");
        CompanyId = companyId;
        CustomerId = customerId;
        IdempotencyKey = idempotencyKey;
        MethodKind = methodKind;
        MethodSummary = methodSummary;
        SavedPaymentMethodId = savedPaymentMethodId;
        ProcessorMethodToken = processorMethodToken;
        Source = source;
        SubmittedBy = submittedBy;
        CreatedAt = now;
        UpdatedAt = now;
        Status = PaymentStatus.Submitted;
        ReceiptNumber = "R-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        _allocations.AddRange(list);
        AmountCents = list.Sum(a => a.AmountCents);
    }

    public long Id { get; private set; }
    public long CompanyId { get; private set; }
    public long CustomerId { get; private set; }
    public string ReceiptNumber { get; private set; } = "";
    /// <summary>Derived from the draft being paid; unique, and sent to the processor as its idempotency key.</summary>
    public string IdempotencyKey { get; private set; } = "";
    public long AmountCents { get; private set; }
    public string Currency => ChargeCurrency;
    public PaymentStatus Status { get; private set; }
    public PaymentMethodKind MethodKind { get; private set; }
    /// <summary>
    /// What the customer recognises: "Visa •••• 4242", "Chase checking •••• 6789". Never a full number.
    /// </summary>
    public string MethodSummary { get; private set; } = "";
    public long? SavedPaymentMethodId { get; private set; }
    /// <summary>The processor's payment method token (pm_…); never card or bank numbers.</summary>
    public string ProcessorMethodToken { get; private set; } = "";
    /// <summary>The processor's payment id (pi_… / sandbox spi_…) once known.</summary>
    public string? ProcessorPaymentId { get; private set; }
    /// <summary>
    /// Where the customer goes to finish 3-D Secure, while <see cref="PaymentStatus.RequiresAction"/>.
    /// </summary>
    public string? NextActionUrl { get; private set; }
    public string? FailureCode { get; private set; }
    public string? FailureMessage { get; private set; }
    public PaymentSource Source { get; private set; }
    public string SubmittedBy { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public int Version { get; private set; }
    public IReadOnlyList<PaymentAllocation> Allocations => _allocations;

    public bool IsFinal => Status is PaymentStatus.Succeeded or PaymentStatus.Failed or PaymentStatus.Returned;

    /// <summary>Money is reserved on the invoices (pending) while the payment is in one of these states.</summary>
    public bool HoldsPending => Status is PaymentStatus.Submitted or PaymentStatus.Processing
        or PaymentStatus.RequiresAction or PaymentStatus.Unknown;

    public void RecordProcessorId(string processorPaymentId, DateTimeOffset now)
    {
        ProcessorPaymentId = processorPaymentId;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>
    /// Applies what the processor reports, as <see cref="TryMoveTo"/> does, with one reading of its own: a bank debit
    /// the processor had accepted (processing) and now reports failed was returned by the customer's bank. It moves to
    /// <see cref="PaymentStatus.Returned"/> with the return code ("R01") and its words (<see cref="AchReturn"/>).
    /// </summary>
    public bool TryApplyVerdict(PaymentStatus reported, DateTimeOffset now, string? failureCode = null,
        string? failureMessage = null, string? nextActionUrl = null)
    {
        if (reported == PaymentStatus.Failed && Status == PaymentStatus.Processing
            && MethodKind == PaymentMethodKind.BankAccount)
        {
            var returned = AchReturn.Of(failureCode);
            return TryMoveTo(PaymentStatus.Returned, now, returned?.Code ?? failureCode,
                returned?.Message ?? AchReturn.UnknownMessage);
        }
        return TryMoveTo(reported, now, failureCode, failureMessage, nextActionUrl);
    }

    /// <summary>
    /// Moves the payment to <paramref name="next"/> if the state machine allows it. Returns false (and changes
    /// nothing) for a move backwards or sideways, so late or repeated events are harmless.
    /// </summary>
    public bool TryMoveTo(
        PaymentStatus next, DateTimeOffset now, string? failureCode = null, string? failureMessage = null,
        string? nextActionUrl = null)
    {
        if (!PaymentStateMachine.CanMove(Status, next)) return false;
        Status = next;
        UpdatedAt = now;
        NextActionUrl = next == PaymentStatus.RequiresAction ? nextActionUrl : null;
        if (next is PaymentStatus.Failed or PaymentStatus.Returned)
        {
            FailureCode = failureCode;
            FailureMessage = failureMessage;
        }
        if (IsFinal) CompletedAt = now;
        Version++;
        return true;
    }
}

/// <summary>How much of a payment goes to one invoice.</summary>
public sealed class PaymentAllocation
{
    private PaymentAllocation() { }

    public PaymentAllocation(long invoiceId, long amountCents)
    {
        InvoiceId = invoiceId;
        AmountCents = amountCents;
    }

    public long Id { get; private set; }
    public long PaymentId { get; private set; }
    public long InvoiceId { get; private set; }
    public long AmountCents { get; private set; }
}

public static class PaymentStateMachine
{
    /// <summary>The allowed moves (payments.md). Succeeded → Returned covers an ACH return after settlement.</summary>
    public static bool CanMove(PaymentStatus from, PaymentStatus to) => (from, to) switch
    {
        (PaymentStatus.Submitted, PaymentStatus.Processing or PaymentStatus.RequiresAction or PaymentStatus.Unknown
            or PaymentStatus.Succeeded or PaymentStatus.Failed) => true,
        (PaymentStatus.Unknown, PaymentStatus.Processing or PaymentStatus.RequiresAction or PaymentStatus.Succeeded
            or PaymentStatus.Failed) => true,
        (PaymentStatus.RequiresAction, PaymentStatus.Processing or PaymentStatus.Succeeded or PaymentStatus.Failed
            or PaymentStatus.Unknown) => true,
        (PaymentStatus.Processing, PaymentStatus.Succeeded or PaymentStatus.Failed or PaymentStatus.Returned) => true,
        (PaymentStatus.Succeeded, PaymentStatus.Returned) => true,
        _ => false,
    };
}
