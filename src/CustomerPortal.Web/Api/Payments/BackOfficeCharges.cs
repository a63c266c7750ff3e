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

/// <summary>
/// SEAM for the payment engine: charges a saved method on behalf of the back office and returns the portal's payment
/// id (the API then answers with <c>GET /api/v1/payments/{id}</c>'s body and a status from the payment's status). The
/// engine registers its implementation with <c>services.AddScoped&lt;IBackOfficeCharges, …&gt;()</c>; the API only
/// registers <see cref="BackOfficeChargesNotAvailable"/> with TryAdd, so the engine's registration wins whichever
/// order the features are added in. Errors: throw <see cref="Api.ApiProblem"/> (e.g. 403/409/422 with a plain message)
/// or a DomainException (422).
/// </summary>
public interface IBackOfficeCharges
{
    Task<BackOfficeChargeResult> ChargeAsync(BackOfficeCharge charge, CancellationToken ct);
}

/// <summary>Without the payment engine: the charge endpoint answers 501 with a plain message.</summary>
public sealed class BackOfficeChargesNotAvailable : IBackOfficeCharges
{
    public Task<BackOfficeChargeResult> ChargeAsync(BackOfficeCharge charge, CancellationToken ct) =>
        throw new Api.ApiProblem(StatusCodes.Status501NotImplemented, "Not available yet",
            "Charging a saved payment method from the back office is not available yet.");
}
