namespace CustomerPortal.Domain.Payments.Gateway;

/// <summary>The portal customer the processor's customer stands for.</summary>
public sealed record GatewayCustomer(
    long CompanyId, long CustomerId, string Name, string? Email, string? ConnectedAccountId = null);

/// <summary>What the portal sends with a payment so that the processor's record can be traced back to it.</summary>
public sealed record ChargeMetadata(long PortalPaymentId, long CompanyId, long CustomerId);

/// <summary>
/// The customer's acceptance of the ACH debit authorization, passed on to the processor as the mandate.
/// </summary>
public sealed record MandateAcceptance(DateTimeOffset AcceptedAt, string IpAddress, string UserAgent);

/// <summary>One charge. Amounts are in cents; the currency is lower-case ISO 4217 ("usd").</summary>
public sealed record ChargeRequest
{
    public required string ProcessorCustomerId { get; init; }
    public required string PaymentMethodToken { get; init; }
    public required long AmountCents { get; init; }
    public string Currency { get; init; } = Payment.ChargeCurrency;
    /// <summary>The payment row's key (payments.md, Idempotency); sent to the processor unchanged.</summary>
    public required string IdempotencyKey { get; init; }
    public required ChargeMetadata Metadata { get; init; }
    public PaymentMethodKind MethodKind { get; init; } = PaymentMethodKind.Card;
    /// <summary>Pay and save the method for later off-session use.</summary>
    public bool SetupFutureUsage { get; init; }
    /// <summary>
    /// The customer is not present (back-office charge of a saved method): no 3-D Secure challenge is possible.
    /// </summary>
    public bool OffSession { get; init; }
    /// <summary>The company's processor account (Stripe Connect), when it has one.</summary>
    public string? ConnectedAccountId { get; init; }
    /// <summary>
    /// Where the processor sends the customer back after 3-D Secure (absolute URL); null off-session.
    /// </summary>
    public string? ReturnUrl { get; init; }
    /// <summary>Required for an on-session ACH debit with a method that has no mandate yet.</summary>
    public MandateAcceptance? Mandate { get; init; }
}

public enum ChargeOutcome
{
    Succeeded,
    /// <summary>Accepted, money not settled yet (ACH). An event will say how it ends.</summary>
    Processing,
    /// <summary>
    /// The customer must authenticate (3-D Secure) or verify the bank account at <see
    /// cref="ChargeResult.NextActionUrl"/>.
    /// </summary>
    RequiresAction,
    /// <summary>
    /// Refused or failed: nothing was collected. <see cref="ChargeResult.FailureMessage"/> says why in plain words.
    /// </summary>
    Declined,
    /// <summary>
    /// The processor did not answer (timeout, 5xx, lost response): it may or may not have charged. Reconcile.
    /// </summary>
    Unknown,
}

/// <summary>The processor's answer to a charge.</summary>
public sealed record ChargeResult(
    ChargeOutcome Outcome,
    string? ProcessorPaymentId,
    string? NextActionUrl = null,
    string? FailureCode = null,
    string? FailureMessage = null)
{
    public static ChargeResult Succeeded(string processorPaymentId) => new(ChargeOutcome.Succeeded, processorPaymentId);
    public static ChargeResult Processing(string processorPaymentId) =>
        new(ChargeOutcome.Processing, processorPaymentId);
    public static ChargeResult RequiresAction(string processorPaymentId, string? nextActionUrl) =>
        new(ChargeOutcome.RequiresAction, processorPaymentId, NextActionUrl: nextActionUrl);
    public static ChargeResult Declined(string? processorPaymentId, string code, string message) =>
        new(ChargeOutcome.Declined, processorPaymentId, FailureCode: code, FailureMessage: message);
    public static ChargeResult Unknown(string? processorPaymentId = null, string? reason = null) =>
        new(ChargeOutcome.Unknown, processorPaymentId, FailureCode: reason);

    /// <summary>The payment status this answer moves a portal payment to (Declined → Failed).</summary>
    public PaymentStatus ToPaymentStatus() => Outcome.ToPaymentStatus();
}

public static class ChargeOutcomeExtensions
{
    public static PaymentStatus ToPaymentStatus(this ChargeOutcome outcome) => outcome switch
    {
        ChargeOutcome.Succeeded => PaymentStatus.Succeeded,
        ChargeOutcome.Processing => PaymentStatus.Processing,
        ChargeOutcome.RequiresAction => PaymentStatus.RequiresAction,
        ChargeOutcome.Declined => PaymentStatus.Failed,
        _ => PaymentStatus.Unknown,
    };
}

/// <summary>
/// The processor's record of a payment, for reconciliation and for re-reading when an event is in doubt.
/// </summary>
public sealed record ProcessorPayment(
    string ProcessorPaymentId,
    ChargeOutcome Outcome,
    long AmountCents,
    string Currency,
    string? IdempotencyKey,
    long? PortalPaymentId,
    string? NextActionUrl = null,
    string? FailureCode = null,
    string? FailureMessage = null);

/// <summary>How to find a payment whose creation answer was lost.</summary>
public sealed record PaymentLookup(
    string IdempotencyKey, long? PortalPaymentId = null, string? ProcessorCustomerId = null,
    string? ConnectedAccountId = null);

/// <summary>
/// Save a method without paying. <see cref="MethodKind"/> null lets the processor offer every method it can.
/// </summary>
public sealed record SetupRequest(
    string ProcessorCustomerId, PaymentMethodKind? MethodKind = null, string? ConnectedAccountId = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

public sealed record ConfirmSetupRequest(
    string SetupId, string PaymentMethodToken, string? ReturnUrl = null, MandateAcceptance? Mandate = null,
    string? ConnectedAccountId = null);

public enum SetupOutcome
{
    /// <summary>Created, waiting for the client-side component to collect the method.</summary>
    RequiresPaymentMethod,
    RequiresAction,
    Processing,
    Succeeded,
    Failed,
}

/// <summary>
/// A setup (Stripe SetupIntent). <see cref="ClientSecret"/> is handed to the processor's client-side component.
/// </summary>
public sealed record SetupResult(
    string SetupId, string? ClientSecret, SetupOutcome Outcome, string? PaymentMethodToken = null,
    string? NextActionUrl = null, string? FailureCode = null, string? FailureMessage = null);

/// <summary>A payment method as the processor describes it. Never holds a full card or account number.</summary>
public sealed record PaymentMethodDetails(
    string Token,
    PaymentMethodKind Kind,
    string? ProcessorCustomerId,
    string Last4,
    string? Brand = null,
    int? ExpMonth = null,
    int? ExpYear = null,
    string? BankName = null,
    string? AccountType = null);

public enum DetachOutcome
{
    Detached,
    NotFound,
    /// <summary>The method belongs to another customer (or to none): nothing was changed.</summary>
    NotOwned,
}

/// <summary>
/// A verified processor event, reduced to what the portal acts on. Amount, currency and idempotency key are the event's
/// payment object's, so that <see cref="ProcessorEventMatch"/> can tell whether it belongs to the payment it names.
/// </summary>
public sealed record ProcessorEvent(
    string EventId,
    string Type,
    DateTimeOffset CreatedAt,
    string? ProcessorPaymentId,
    PaymentStatus? NewStatus, // null for events that do not move a payment
    long? PortalPaymentId,
    string? FailureCode = null,
    string? FailureMessage = null,
    long? AmountCents = null,
    string? Currency = null,
    string? IdempotencyKey = null);

/// <summary>Either a verified event or the reason it was rejected (answer 400, change nothing).</summary>
public sealed record WebhookParseResult(ProcessorEvent? Event, string? RejectionReason)
{
    public bool IsValid => Event is not null;
    public static WebhookParseResult Accepted(ProcessorEvent e) => new(e, null);
    public static WebhookParseResult Rejected(string reason) => new(null, reason);
}
