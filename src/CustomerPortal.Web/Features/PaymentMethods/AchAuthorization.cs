using System.Globalization;
using CustomerPortal.Domain;

namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>
/// The ACH debit authorization (mandate) a customer accepts before a bank account is debited. The version is stored
/// with each acceptance; change it whenever the wording changes.
/// </summary>
public static class AchAuthorization
{
    public const string Version = "ach-2026-11";

    public static string Text(string companyName, long amountCents, DateOnly date) =>
        string.Format(CultureInfo.InvariantCulture,
        "I authorize {0} to debit the bank account shown above by ACH for {1} on or after {2:MMMM d, yyyy}, " +
        "to pay the invoices listed on this page. This is a one-time authorization for this payment. " +
        "I can revoke it by contacting {0} at least three business days before the debit; if the debit is returned " +
        "the invoices become unpaid again.",
        companyName, Money.FromCents(amountCents).Format(), date);

    /// <summary>
    /// The standing authorization a customer accepts to keep a bank account for later payments (the Payment methods
    /// page); it is stored with the saved account.
    /// </summary>
    public static string StandingText(string companyName) =>
        $"I authorize {companyName} to debit this bank account by ACH for payments I make in the portal, " +
        "until I remove it.";
}
