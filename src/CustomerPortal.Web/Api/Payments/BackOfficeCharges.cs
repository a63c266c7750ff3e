namespace CustomerPortal.Web.Api.Payments;

/// <summary>
/// The back office asks to charge a saved method of a customer. <see cref="IdempotencyKey"/> is the back office's own
/// key for this charge: the same key twice is one payment. <see cref="InvoiceIds"/> are the back office's invoice ids;
/// when empty, the amount is applied oldest first, as a custom amount is in the portal.
/// </summary>
public sealed record ChargeRequest(long? AmountCents, IReadOnlyList<string>? InvoiceIds, string? IdempotencyKey);

/// <summary>A charge as checked by the API: the customer and method belong to the caller's company.</summary>
public sealed record BackOfficeCharge(long CompanyId, long CustomerId, long SavedPaymentMethodId, long AmountCents,
    IReadOnlyList<string> InvoiceExternalIds, string IdempotencyKey);

/// <summary>
/// SEAM for the payment engine: charges a saved method on behalf of the back office and returns the portal's payment id
/// (the API then answers with <c>GET /api/v1/payments/{id}</c>'s body). The engine registers its implementation with
/// <c>services.AddScoped&lt;IBackOfficeCharges, …&gt;()</c>; the API only registers <see cref="BackOfficeChargesNotAvailable"/>
/// with TryAdd, so the engine's registration wins whichever order the features are added in. Errors: throw
/// <see cref="Api.ApiProblem"/> (e.g. 402/409/422 with a plain message) or a DomainException (422).
/// </summary>
public interface IBackOfficeCharges
{
    Task<long> ChargeAsync(BackOfficeCharge charge, CancellationToken ct);
}

/// <summary>Until the payment engine lands: the charge endpoint answers 501 with a plain message.</summary>
public sealed class BackOfficeChargesNotAvailable : IBackOfficeCharges
{
    public Task<long> ChargeAsync(BackOfficeCharge charge, CancellationToken ct) =>
        throw new Api.ApiProblem(StatusCodes.Status501NotImplemented, "Not available yet",
            "Charging a saved payment method from the back office is not available yet.");
}
