namespace CustomerPortal.Web.Shared;

/// <summary>Who is paying from where: kept with an ACH authorization, and where 3-D Secure returns to.</summary>
public sealed record PayClient(string IpAddress, string UserAgent, string BaseUrl);

/// <summary>Either the payment (new or the one this draft already made) or a refusal that changed nothing.</summary>
public sealed record PayOutcome(
    long? PaymentId, int StatusCode, string? Message, string? Field = null, string? RedirectUrl = null)
{
    public bool IsPayment => PaymentId is not null;
    public static PayOutcome Payment(long id) => new(id, 200, null);
    public static PayOutcome Refused(int status, string message, string? field = null) =>
        new(null, status, message, field);
}
