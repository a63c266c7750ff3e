using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Selection;
using static CustomerPortal.Domain.Tests.TestInvoices;

namespace CustomerPortal.Domain.Tests;

/// <summary>
/// The page passes only the oldest 201 payable invoices (plus the whole balance or count) so that a customer with
/// thousands of invoices costs one short query; the answers must be the same as over every invoice.
/// </summary>
public sealed class WindowedInputsTests
{
    private static readonly List<Invoices.OpenInvoice> Thousand = Enumerable.Range(0, 1000)
        .Select(i => Invoice(i + 1, balanceCents: 10_00 + i % 7, day: 1000 - i)).ToList();

    private static List<Invoices.OpenInvoice> OldestWindow() =>
        Thousand.OrderOldestFirst().Take(InvoiceSelection.OldestWindow).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(10_05)]
    [InlineData(500_00)]
    [InlineData(1_500_00)]
    public void ASplitOverTheOldestWindowEqualsTheSplitOverEveryInvoice(long amount)
    {
        var whole = PaymentAllocator.AllocateOverOldest(amount, Thousand, Thousand.Sum(i => i.BalanceCents));

        var windowed = PaymentAllocator.AllocateOverOldest(amount, OldestWindow(), Thousand.Sum(i => i.BalanceCents));

        Assert.Equal(whole.Lines, windowed.Lines);
    }

    [Fact]
    public void OverTheBalanceTheWindowedSplitNamesTheWholeBalance()
    {
        var balance = Thousand.Sum(i => i.BalanceCents);

        var ex = Assert.Throws<DomainException>(
            () => PaymentAllocator.AllocateOverOldest(balance + 1, OldestWindow(), balance));

        Assert.Equal($"The most you can pay is {Money.FromCents(balance).Format()}.", ex.Message);
    }

    [Fact]
    public void AnAmountBeyondTwoHundredInvoicesIsRefusedWithTheLargestAmountThatFits()
    {
        var balance = Thousand.Sum(i => i.BalanceCents);
        var fits = OldestWindow().Take(200).Sum(i => i.BalanceCents);

        var ex = Assert.Throws<DomainException>(
            () => PaymentAllocator.AllocateOverOldest(fits + 1_000_00, OldestWindow(), balance));

        Assert.Contains("at most 200 invoices", ex.Message);
        Assert.Contains(Money.FromCents(fits).Format(), ex.Message);
    }

    [Fact]
    public void SelectAllOverTheOldestWindowTakesTheSameTwoHundredAndCountsEveryInvoiceInTheNotice()
    {
        var whole = new InvoiceSelection(PaymentChoice.SingleSite, Thousand, []).SelectAll(new HashSet<long>());

        var windowed = new InvoiceSelection(PaymentChoice.SingleSite, OldestWindow(), []).SelectAll(
            new HashSet<long>(), payableSingleSiteCount: 1000);

        Assert.Equal(whole.Selected.Order(), windowed.Selected.Order());
        Assert.Equal("200 of 1,000 selected — the most one payment can cover", windowed.Message);
        Assert.Equal(whole.Message, windowed.Message);
    }
}
