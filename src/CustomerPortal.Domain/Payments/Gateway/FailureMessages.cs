namespace CustomerPortal.Domain.Payments.Gateway;

/// <summary>The processor's failure codes in the words a customer should read.</summary>
public static class FailureMessages
{
    public const string Generic = "The payment was declined. Please try another payment method.";

    public static string For(string? code, PaymentMethodKind kind = PaymentMethodKind.Card) => (code, kind) switch
    {
        ("R01" or "insufficient_funds", PaymentMethodKind.BankAccount) =>
            "The bank account had insufficient funds (R01).",
        ("R02" or "account_closed", _) => "The bank account is closed (R02).",
        ("R03" or "no_account", _) => "No bank account was found with those details (R03).",
        ("R01", _) => "The bank account had insufficient funds (R01).",
        ("card_declined" or "generic_decline" or "do_not_honor", _) => "Your card was declined.",
        ("insufficient_funds", _) => "Your card has insufficient funds.",
        ("expired_card", _) => "Your card has expired.",
        ("incorrect_cvc" or "invalid_cvc", _) => "Your card's security code is incorrect.",
        ("incorrect_number" or "invalid_number", _) => "Your card number is incorrect.",
        ("invalid_expiry_month" or "invalid_expiry_year", _) => "Your card's expiration date is incorrect.",
        ("lost_card" or "stolen_card" or "fraudulent" or "pickup_card", _) => "Your card was declined.",
        ("processing_error", _) => "An error occurred while processing your card. Please try again.",
        ("authentication_required", _) =>
            "Your bank needs you to confirm this payment. Please pay it yourself in the portal.",
        ("authentication_failed" or "payment_intent_authentication_failure", _) =>
            "The payment was not authenticated with your bank.",
        ("invalid_routing_number", _) => "The bank routing number is incorrect.",
        ("invalid_account_number", _) => "The bank account number is incorrect.",
        ("payment_method_not_found", _) => "That payment method is no longer available. Please choose another.",
        _ => Generic,
    };
}
