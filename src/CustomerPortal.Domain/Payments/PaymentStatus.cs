namespace CustomerPortal.Domain.Payments;

/// <summary>The payment lifecycle of payments.md. The state machine only moves forward.</summary>
public enum PaymentStatus
{
    Submitted = 0,
    Processing = 1,
    RequiresAction = 2,
    Unknown = 3,
    Succeeded = 4,
    Failed = 5,
    Returned = 6,
}

public enum PaymentMethodKind
{
    Card = 0,
    BankAccount = 1,
}

public enum PaymentSource
{
    Portal = 0,
    BackOffice = 1,
}
