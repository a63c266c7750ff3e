using CustomerPortal.Domain.Payments;

namespace CustomerPortal.Domain.Tests;

/// <summary>
/// A processor's payment changes a portal payment only if it is that payment (issue 14, finding 2): same processor id,
/// amount, currency and idempotency key, and no other portal payment named in its metadata.
/// </summary>
public sealed class ProcessorEventMatchRuleTests
{
    private const string Key = "portal-7-3-1";
    private const long Amount = 123_45;

    private static Payment StoredPayment(string? processorPaymentId = "spi_1")
    {
        var now = new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero);
        var payment = new Payment(1, 7, Key, PaymentMethodKind.Card, "Visa •••• 4242", null, "spm_1",
            PaymentSource.Portal, "user-1", now, [new PaymentAllocation(10, 100_00), new PaymentAllocation(11, 23_45)]);
        if (processorPaymentId is not null) payment.RecordProcessorId(processorPaymentId, now);
        return payment;
    }

    private static readonly ProcessorClaim Genuine = new("spi_1", Amount, "usd", Key, PortalPaymentId: null);

    [Fact]
    public void TheProcessorsOwnRecordOfThePaymentMatches()
    {
        Assert.Equal(ProcessorMismatch.None, ProcessorEventMatch.Check(StoredPayment(), Genuine));
    }

    [Fact]
    public void BeforeTheProcessorIdIsKnownTheKeyAmountAndCurrencyAreEnoughToMatch()
    {
        var notYetKnown = StoredPayment(processorPaymentId: null);

        Assert.Equal(ProcessorMismatch.None, ProcessorEventMatch.Check(notYetKnown, Genuine));
    }

    [Fact]
    public void TheCurrencyMatchesWhateverItsCase()
    {
        var upperCase = Genuine with { Currency = "USD" };

        Assert.Equal(ProcessorMismatch.None, ProcessorEventMatch.Check(StoredPayment(), upperCase));
    }

    public static TheoryData<string, ProcessorClaim, ProcessorMismatch> Mismatches => new()
    {
        { "another processor id", Genuine with { ProcessorPaymentId = "spi_3" }, ProcessorMismatch.ProcessorPaymentId },
        { "no processor payment id", Genuine with { ProcessorPaymentId = null }, ProcessorMismatch.ProcessorPaymentId },
        { "a cent more", Genuine with { AmountCents = Amount + 1 }, ProcessorMismatch.Amount },
        { "no amount", Genuine with { AmountCents = null }, ProcessorMismatch.Amount },
        { "euros", Genuine with { Currency = "eur" }, ProcessorMismatch.Currency },
        { "no currency", Genuine with { Currency = null }, ProcessorMismatch.Currency },
        { "another key", Genuine with { IdempotencyKey = "portal-7-3-2" }, ProcessorMismatch.IdempotencyKey },
        { "no key", Genuine with { IdempotencyKey = null }, ProcessorMismatch.IdempotencyKey },
        { "key in capitals", Genuine with { IdempotencyKey = "PORTAL-7-3-1" }, ProcessorMismatch.IdempotencyKey },
        { "names another portal payment", Genuine with { PortalPaymentId = 99 }, ProcessorMismatch.PortalPaymentId },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void EachMismatchIsNamed(string what, ProcessorClaim claim, ProcessorMismatch expected)
    {
        Assert.True(expected == ProcessorEventMatch.Check(StoredPayment(), claim), what);
    }

    [Fact]
    public void AnotherPaymentsObjectAppliedToAnUnchargedOneMismatchesOnAmountKeyAndName()
    {
        // The attack of issue 14: payment 1 never charged, an event carrying payment 3's processor object.
        var payment3 = new ProcessorClaim("spi_3", 40_00, "usd", "portal-7-5-1", PortalPaymentId: 3);

        var mismatch = ProcessorEventMatch.Check(StoredPayment(processorPaymentId: null), payment3);

        Assert.Equal(
            ProcessorMismatch.Amount | ProcessorMismatch.IdempotencyKey | ProcessorMismatch.PortalPaymentId, mismatch);
    }
}
