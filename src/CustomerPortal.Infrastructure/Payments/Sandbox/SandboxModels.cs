namespace CustomerPortal.Infrastructure.Payments.Sandbox;

/// <summary>The answer of the sandbox's entry form: a token, or the reason the details were refused.</summary>
public sealed record TokenizeResult(string? Token, string? ErrorCode, string? ErrorMessage)
{
    public bool Succeeded => Token is not null;
    internal static TokenizeResult Ok(string token) => new(token, null, null);
    internal static TokenizeResult Refused(string code, string message) => new(null, code, message);
}

/// <summary>
/// One signed webhook, ready to POST to the portal's webhook path with the header <see cref="SignatureHeader"/>.
/// </summary>
public sealed record SandboxWebhookDelivery(string EventId, string Type, string Body, string SignatureHeader);

/// <summary>One charge as the sandbox recorded it (status: succeeded, processing, requires_action or failed).</summary>
public sealed record SandboxCharge(
    string Id, string IdempotencyKey, long? PortalPaymentId, long AmountCents, string Status);
