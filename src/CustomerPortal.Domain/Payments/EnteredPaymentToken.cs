namespace CustomerPortal.Domain.Payments;

/// <summary>
/// A processor token (card or bank account) as the processor's entry form handed it to the portal: it belongs to the
/// customer and the contact who entered it, and only until <see cref="ExpiresAt"/>. Showing, saving or paying with it
/// for anyone else, or later, is refused (payments.md, "Tokens and saved methods belong to one customer").
/// </summary>
public sealed class EnteredPaymentToken
{
    /// <summary>How long an entered card or bank account can be shown and used (then it is entered again).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public const int MaxTokenLength = 100;

    private EnteredPaymentToken() { }

    public EnteredPaymentToken(string token, long customerId, string userId, DateTimeOffset enteredAt)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > MaxTokenLength)
            throw new DomainException("That payment method could not be found. Enter it again.");
        if (string.IsNullOrWhiteSpace(userId))
            throw new DomainException("A payment method is entered by a signed-in contact.");
        Token = token;
        CustomerId = customerId;
        UserId = userId;
        CreatedAt = enteredAt;
        ExpiresAt = enteredAt + Lifetime;
    }

    public long Id { get; private set; }
    public string Token { get; private set; } = "";
    public long CustomerId { get; private set; }
    /// <summary>The contact (portal user) who entered it.</summary>
    public string UserId { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    public bool BelongsTo(long customerId, string userId, DateTimeOffset now) =>
        CustomerId == customerId && UserId == userId && now < ExpiresAt;
}
