namespace CustomerPortal.Domain.Payments.Gateway;

/// <summary>The processor's failure codes in the words a customer should read.</summary>
public static class FailureMessages
{
    public const string Generic = "The payment was declined. Please try another payment method.";

    /// <summary>
    /// Why a payment failed. A bank debit's return code (network "R01" or a processor's name for it) reads as the
    /// return (<see cref="AchReturn"/>); a network return code reads so whatever the method.
    /// </summary>
    public static string For(string? code, PaymentMethodKind kind = PaymentMethodKind.Card) =>
        (kind == PaymentMethodKind.BankAccount || AchReturn.IsNetworkCode(code)) && AchReturn.Of(code) is { } returned
            ? returned.Message
            : code switch
            {
                "card_declined" or "generic_decline" or "do_not_honor" => "Your card was declined.",
                "insufficient_funds" => "Your card has insufficient funds.",
                "expired_card" => "Your card has expired.",
                "incorrect_cvc" or "invalid_cvc" => "Your card's security code is incorrect.",
                "incorrect_number" or "invalid_number" => "Your card number is incorrect.",
                "invalid_expiry_month" or "invalid_expiry_year" => "Your card's expiration date is incorrect.",
                "lost_card" or "stolen_card" or "fraudulent" or "pickup_card" => "Your card was declined.",
                "processing_error" => "An error occurred while processing your card. Please try again.",
                "authentication_required" =>
                    "Your bank needs you to confirm this payment. Please pay it yourself in the portal.",
                "authentication_failed" or "payment_intent_authentication_failure" =>
                    "The payment was not authenticated with your bank.",
                "invalid_routing_number" => "The bank routing number is incorrect.",
                "invalid_account_number" => "The bank account number is incorrect.",
                "payment_method_not_found" => "That payment method is no longer available. Please choose another.",
                _ => Generic,
            };
}
