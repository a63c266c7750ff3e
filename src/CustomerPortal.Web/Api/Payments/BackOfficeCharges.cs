namespace CustomerPortal.Web.Api.Payments;

/// <summary>
/// The back office asks to charge a saved method of a customer. The idempotency key travels in the
/// <c>Idempotency-Key</c> header (required); <see cref="IdempotencyKey"/> in the body is optional and, when sent, must
/// be the same.
/// Either <see cref="InvoiceIds"/> (the back office's invoice ids, each paid its whole balance; with
/// <see cref="AmountCents"/> too, that amount must be their total) or <see cref="AmountCents"/> alone (applied oldest
/// first, as a custom amount is in the portal). The amount is read as a JSON number so that a fraction of a cent is
/// answered as a broken rule (422) with the field's name.
/// </summary>
public sealed record ChargeRequest(decimal? AmountCents, IReadOnlyList<string>? InvoiceIds, string? IdempotencyKey);

/// <summary>A charge as checked by the API: the customer and method belong to the caller's company.</summary>
/// <param name="AmountCents">
/// Null: the invoices' balances decide. With invoices: what their balances must add up to.
/// </param>
/// <param name="IdempotencyKey">The back office's key as sent; the engine namespaces it by company.</param>
/// <param name="SubmittedBy">"api:&lt;key prefix&gt;".</param>
public sealed record BackOfficeCharge(long CompanyId, long CustomerId, long SavedPaymentMethodId, long? AmountCents,
    IReadOnlyList<string> InvoiceExternalIds, string IdempotencyKey, string SubmittedBy);

/// <summary>
/// The payment the charge made, or (<see cref="Replayed"/>) the one an earlier request with the same key made.
/// </summary>
public sealed record BackOfficeChargeResult(long PaymentId, bool Replayed);
