using CustomerPortal.Domain.Payments.Gateway;

namespace CustomerPortal.Domain.Payments;

/// <summary>
/// A card or bank account the customer saved with the processor. The portal keeps only the processor's token and
/// what a person needs to recognise it (brand, last 4, expiry; bank name, account type, last 4).
/// </summary>
public sealed class SavedPaymentMethod
{
    private SavedPaymentMethod() { }

    public static SavedPaymentMethod Card(
        long customerId, string processorMethodId, string brand, string last4, int expMonth, int expYear,
        DateTimeOffset now) =>
        new()
        {
            CustomerId = customerId, ProcessorMethodId = processorMethodId, Kind = PaymentMethodKind.Card,
            Brand = brand, Last4 = CheckLast4(last4), ExpMonth = expMonth, ExpYear = expYear, CreatedAt = now,
        };

    public static SavedPaymentMethod BankAccount(
        long customerId, string processorMethodId, string bankName, string accountType, string last4,
        DateTimeOffset now) =>
        new()
        {
            CustomerId = customerId, ProcessorMethodId = processorMethodId, Kind = PaymentMethodKind.BankAccount,
            BankName = bankName, AccountType = accountType, Last4 = CheckLast4(last4), CreatedAt = now,
        };

    public long Id { get; private set; }
    public long CustomerId { get; private set; }
    public string ProcessorMethodId { get; private set; } = "";
    public PaymentMethodKind Kind { get; private set; }
    public string? Brand { get; private set; }
    public string Last4 { get; private set; } = "";
    public int? ExpMonth { get; private set; }
    public int? ExpYear { get; private set; }
    public string? BankName { get; private set; }
    public string? AccountType { get; private set; }
    public bool IsDefault { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RemovedAt { get; private set; }

    /// <summary>
    /// The bank's return that showed this account cannot be debited (R02 closed, R03 not found, R04 invalid): it is not
    /// offered for payment until the customer adds it again. Null for a usable method.
    /// </summary>
    public string? ReturnCode { get; private set; }

    public bool IsRemoved => RemovedAt is not null;

    /// <summary>Returned for a reason that closes the account (<see cref="ReturnCode"/>).</summary>
    public bool IsReturned => ReturnCode is not null;

    /// <summary>"Returned (account closed) — add it again to use it", or null.</summary>
    public string? ReturnNotice => AchReturn.Of(ReturnCode)?.MethodNotice;

    /// <summary>Whether the customer may pay with it today: not expired, not returned as closed or invalid.</summary>
    public bool IsUsableOn(DateOnly today) => !IsExpiredOn(today) && !IsReturned;

    /// <summary>The bank returned a debit from this account for a reason that closes it: stop offering it.</summary>
    public void MarkReturned(AchReturn returned)
    {
        if (Kind != PaymentMethodKind.BankAccount || !returned.ClosesAccount) return;
        ReturnCode = returned.Code;
        IsDefault = false;
    }

    /// <summary>A card can be used through the last day of its expiry month.</summary>
    public bool IsExpiredOn(DateOnly today) =>
        Kind == PaymentMethodKind.Card && ExpYear is { } y && ExpMonth is { } m
        && (y < today.Year || (y == today.Year && m < today.Month));

    public string Summary => Kind == PaymentMethodKind.Card
        ? $"{Brand} •••• {Last4}"
        : $"{BankName} {AccountType} •••• {Last4}";

    public void MakeDefault(bool isDefault) => IsDefault = isDefault;

    public void Remove(DateTimeOffset now)
    {
        RemovedAt ??= now;
        IsDefault = false;
    }

    private static string CheckLast4(string last4) =>
        last4 is { Length: 4 } && last4.All(char.IsAsciiDigit)
            ? last4
            : throw new DomainException("Last 4 must be four digits.");
}

/// <summary>The customer's acceptance of the ACH debit authorization (mandate) text.</summary>
public sealed class AchMandate
{
    private AchMandate() { }

    public AchMandate(long customerId, long? savedPaymentMethodId, string processorMethodId, string textVersion,
        string text, DateTimeOffset acceptedAt, string ipAddress, string userAgent)
    {
        CustomerId = customerId;
        SavedPaymentMethodId = savedPaymentMethodId;
        ProcessorMethodId = processorMethodId;
        TextVersion = textVersion;
        Text = text;
        AcceptedAt = acceptedAt;
        IpAddress = ipAddress;
        UserAgent = userAgent.Length > 512 ? userAgent[..512] : userAgent;
    }

    public long Id { get; private set; }
    public long CustomerId { get; private set; }
    public long? SavedPaymentMethodId { get; private set; }
    public string ProcessorMethodId { get; private set; } = "";
    public string TextVersion { get; private set; } = "";
    public string Text { get; private set; } = "";
    public DateTimeOffset AcceptedAt { get; private set; }
    public string IpAddress { get; private set; } = "";
    public string UserAgent { get; private set; } = "";
}
