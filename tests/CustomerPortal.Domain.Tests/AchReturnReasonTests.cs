using CustomerPortal.Domain.Payments;
using CustomerPortal.Domain.Payments.Gateway;

namespace CustomerPortal.Domain.Tests;

/// <summary>
/// An ACH debit the bank sends back after it was processing is a return, named by its code in plain words (issue 16,
/// bug 5); a return that closes the account stops the saved account being offered.
/// </summary>
public sealed class AchReturnReasonTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 17, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("R01", "Returned by your bank (R01: insufficient funds)")]
    [InlineData("R02", "Returned by your bank (R02: account closed)")]
    [InlineData("R03", "Returned by your bank (R03: no account or unable to locate the account)")]
    [InlineData("R04", "Returned by your bank (R04: invalid account number)")]
    [InlineData("R08", "Returned by your bank (R08: payment stopped)")]
    [InlineData("R10", "Returned by your bank (R10: not authorized)")]
    [InlineData("R16", "Returned by your bank (R16: account frozen)")]
    [InlineData("R29", "Returned by your bank (R29: corporate customer did not authorize)")]
    [InlineData("R17", "Returned by your bank (R17)")]
    [InlineData("r01", "Returned by your bank (R01: insufficient funds)")]
    public void EachReturnCodeReadsInPlainWords(string code, string message)
    {
        Assert.Equal(message, AchReturn.Of(code)!.Message);
        Assert.Equal(message, FailureMessages.For(code, PaymentMethodKind.BankAccount));
    }

    [Theory]
    [InlineData("insufficient_funds", "R01")]
    [InlineData("bank_account_closed", "R02")]
    [InlineData("account_closed", "R02")]
    [InlineData("no_account", "R03")]
    [InlineData("bank_account_invalid_details", "R03")]
    [InlineData("invalid_account_number", "R04")]
    [InlineData("debit_not_authorized", "R10")]
    [InlineData("account_frozen", "R16")]
    public void StripesNamesForReturnsAreTheSameReturns(string stripeCode, string returnCode) =>
        Assert.Equal(returnCode, AchReturn.Of(stripeCode)!.Code);

    [Fact]
    public void ACardDeclineIsNotAReturn()
    {
        Assert.Equal("Your card has insufficient funds.", FailureMessages.For("insufficient_funds"));
        Assert.Null(AchReturn.Of("card_declined"));
        Assert.Null(AchReturn.Of(null));
        Assert.Null(AchReturn.Of("R1"));
    }

    [Theory]
    [InlineData("R02", true)]
    [InlineData("R03", true)]
    [InlineData("R04", true)]
    [InlineData("R01", false)]
    [InlineData("R08", false)]
    [InlineData("R10", false)]
    public void OnlyAClosedMissingOrInvalidAccountIsClosedForPayments(string code, bool closes) =>
        Assert.Equal(closes, AchReturn.Of(code)!.ClosesAccount);

    private static Payment BankDebit(PaymentMethodKind kind = PaymentMethodKind.BankAccount) =>
        new(1, 7, "portal-7-3-1", kind, "Sandbox Test Bank checking •••• 1116", null, "spm_1", PaymentSource.Portal,
            "user-1", Now, [new PaymentAllocation(10, 100_00)]);

    [Fact]
    public void ABankDebitThatFailsAfterProcessingWasReturned()
    {
        var payment = BankDebit();
        Assert.True(payment.TryApplyVerdict(PaymentStatus.Processing, Now));

        Assert.True(payment.TryApplyVerdict(PaymentStatus.Failed, Now, "R01", "The payment was declined."));

        Assert.Equal(PaymentStatus.Returned, payment.Status);
        Assert.Equal(("R01", "Returned by your bank (R01: insufficient funds)"),
            (payment.FailureCode, payment.FailureMessage));
    }

    [Fact]
    public void AStripeReturnIsStoredByItsNetworkCode()
    {
        var payment = BankDebit();
        payment.TryApplyVerdict(PaymentStatus.Processing, Now);

        payment.TryApplyVerdict(PaymentStatus.Failed, Now, "bank_account_closed");

        Assert.Equal((PaymentStatus.Returned, "R02"), (payment.Status, payment.FailureCode));
    }

    [Fact]
    public void AFailureBeforeProcessingOrOfACardIsADecline()
    {
        var bank = BankDebit();
        Assert.True(bank.TryApplyVerdict(PaymentStatus.Failed, Now, "not_charged", "Nothing was charged."));
        Assert.Equal(PaymentStatus.Failed, bank.Status);

        var card = BankDebit(PaymentMethodKind.Card);
        card.TryApplyVerdict(PaymentStatus.RequiresAction, Now);
        card.TryApplyVerdict(PaymentStatus.Failed, Now, "authentication_failed", "Not authenticated.");
        Assert.Equal((PaymentStatus.Failed, "Not authenticated."), (card.Status, card.FailureMessage));
    }

    [Fact]
    public void ABankAccountReturnedAsClosedIsNoLongerUsableNorTheDefault()
    {
        var account = SavedPaymentMethod.BankAccount(7, "spm_1", "Sandbox Test Bank", "checking", "1113", Now);
        account.MakeDefault(true);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);

        account.MarkReturned(AchReturn.Of("R01")!);
        Assert.True(account.IsUsableOn(today));

        account.MarkReturned(AchReturn.Of("R02")!);
        Assert.False(account.IsUsableOn(today));
        Assert.False(account.IsDefault);
        Assert.Equal("Returned (account closed) — add it again to use it", account.ReturnNotice);
    }
}
