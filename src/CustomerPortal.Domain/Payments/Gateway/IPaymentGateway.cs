namespace CustomerPortal.Domain.Payments.Gateway;

/// <summary>
/// The payment processor as the portal sees it (payments.md, "The gateway port"). Two adapters implement it: Stripe,
/// and the embedded sandbox processor. The portal only ever hands it tokens (pm_…, spm_…) and ids, never card or bank
/// numbers. Every call that may move money takes the portal's idempotency key, so a retry never charges twice.
/// Methods do not throw for processor answers (declines, timeouts, 5xx): those come back as outcomes.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>"stripe" or "sandbox": the last segment of the webhook path (<c>POST /webhooks/{Name}</c>).</summary>
    string Name { get; }

    /// <summary>
    /// The name of the HTTP header that carries the webhook signature ("Stripe-Signature", "Sandbox-Signature").
    /// </summary>
    string WebhookSignatureHeader { get; }

    /// <summary>
    /// Finds or creates the processor's customer for a portal customer; returns its id (cus_… / scus_…).
    /// </summary>
    Task<string> EnsureCustomerAsync(GatewayCustomer customer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates and confirms one payment. The same <see cref="ChargeRequest.IdempotencyKey"/> returns the same payment.
    /// </summary>
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default);

    /// <summary>The processor's current view of a payment, or null when it does not know the id.</summary>
    Task<ProcessorPayment?> GetPaymentAsync(
        string processorPaymentId, string? connectedAccountId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// For reconciliation after an unknown outcome: the payment created with this idempotency key (found by the
    /// metadata the portal sent with it), or null when the processor never created one.
    /// </summary>
    Task<ProcessorPayment?> FindPaymentAsync(PaymentLookup lookup, CancellationToken cancellationToken = default);

    /// <summary>Starts saving a payment method without paying (off-session use later).</summary>
    Task<SetupResult> CreateSetupAsync(SetupRequest request, CancellationToken cancellationToken = default);

    /// <summary>Confirms a setup with the token collected by the processor's client-side component.</summary>
    Task<SetupResult> ConfirmSetupAsync(ConfirmSetupRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// What a person needs to recognise a method (brand, last 4, expiry; bank, type, last 4), or null if unknown.
    /// </summary>
    Task<PaymentMethodDetails?> GetPaymentMethodAsync(
        string token, string? connectedAccountId = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PaymentMethodDetails>> ListPaymentMethodsAsync(
        string processorCustomerId, string? connectedAccountId = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a saved method from the customer, after checking that it is that customer's.</summary>
    Task<DetachOutcome> DetachPaymentMethodAsync(
        string processorCustomerId, string token, string? connectedAccountId = null,
        CancellationToken cancellationToken = default);

    /// <summary>Verifies the signature of a webhook on its raw body (300 s tolerance) and reads the event.</summary>
    WebhookParseResult ParseWebhook(string rawBody, string? signatureHeader);
}
