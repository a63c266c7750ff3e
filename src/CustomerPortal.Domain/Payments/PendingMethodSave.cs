using CustomerPortal.Domain.Payments.Gateway;

namespace CustomerPortal.Domain.Payments;

/// <summary>
/// "Save for future payments", ticked for a method entered for one payment: written with the payment at submit time
/// and carried out when the payment's verdict is known. The method is saved when the payment succeeds or is
/// processing (a 3-D Secure card only after the customer authenticated); the intent is dropped when it fails. It keeps
/// the method's details as the portal checked them at submit (the customer's own token), never a number.
/// </summary>
public sealed class PendingMethodSave
{
    private PendingMethodSave() { }

    public PendingMethodSave(long paymentId, long customerId, PaymentMethodDetails method, DateTimeOffset now)
    {
        if (method.ProcessorCustomerId is not { Length: > 0 })
            throw new DomainException("A method is saved on the customer it was checked for.");
        PaymentId = paymentId;
        CustomerId = customerId;
        Token = method.Token;
        Kind = method.Kind;
        ProcessorCustomerId = method.ProcessorCustomerId;
        Last4 = method.Last4;
        Brand = method.Brand;
        ExpMonth = method.ExpMonth;
        ExpYear = method.ExpYear;
        BankName = method.BankName;
        AccountType = method.AccountType;
        CreatedAt = now;
    }

    public long PaymentId { get; private set; }
    public long CustomerId { get; private set; }
    public string Token { get; private set; } = "";
    public PaymentMethodKind Kind { get; private set; }
    public string ProcessorCustomerId { get; private set; } = "";
    public string Last4 { get; private set; } = "";
    public string? Brand { get; private set; }
    public int? ExpMonth { get; private set; }
    public int? ExpYear { get; private set; }
    public string? BankName { get; private set; }
    public string? AccountType { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Whether <paramref name="payment"/> is the one this intent was written with, with this method.</summary>
    public bool BelongsTo(Payment payment) =>
        payment.Id == PaymentId && payment.CustomerId == CustomerId && payment.ProcessorMethodToken == Token;

    public PaymentMethodDetails Method =>
        new(Token, Kind, ProcessorCustomerId, Last4, Brand, ExpMonth, ExpYear, BankName, AccountType);
}
