using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using static CustomerPortal.Domain.Tests.TestInvoices;

namespace CustomerPortal.Domain.Tests;

public sealed class CustomAmountAllocationTests
{
    /// <summary>The split as a request asks for it: over these invoices, given the balance they add up to.</summary>
    private static AllocationPlan Split(long amountCents, IReadOnlyCollection<OpenInvoice> invoices) =>
        PaymentAllocator.AllocateOverOldest(
            amountCents, invoices, invoices.Where(i => i.HasBalance).Sum(i => i.BalanceCents));

    [Fact]
    public void AppliesToTheOldestInvoiceDateFirstWhateverOrderTheInvoicesCameIn()
    {
        var newest = Invoice(1, 100_00, day: 20);
        var oldest = Invoice(2, 100_00, day: 1);
        var middle = Invoice(3, 100_00, day: 10);

        var plan = Split(150_00, [newest, oldest, middle]);

        Assert.Equal([2L, 3L], plan.Lines.Select(l => l.InvoiceId));
        Assert.Equal([100_00L, 50_00L], plan.Lines.Select(l => l.AmountCents));
    }

    [Fact]
    public void TheExactBalancePaysEveryInvoiceInFull()
    {
        var invoices = new[] { Invoice(1, 120_00, day: 0), Invoice(2, 80_50, day: 1), Invoice(3, 0_01, day: 2) };

        var plan = Split(200_51, invoices);

        Assert.Equal(3, plan.InvoiceCount);
        Assert.Equal(200_51, plan.TotalCents);
        Assert.All(plan.Lines, l => Assert.Equal(0, l.RemainingCents));
        Assert.All(plan.Lines, l => Assert.Equal(l.BalanceBeforeCents, l.AmountCents));
    }

    [Fact]
    public void OneCentGoesToTheOldestInvoiceAndLeavesTheRestOfItsBalance()
    {
        var plan = Split(1, [Invoice(1, 250_00, day: 5), Invoice(2, 99_99, day: 3)]);

        var line = Assert.Single(plan.Lines);
        Assert.Equal(new AllocationLine(2, "INV-00002", 1, 99_99, 99_98), line);
        Assert.True(line.IsPartial);
    }

    [Fact]
    public void OnlyTheLastInvoiceTouchedIsPaidInPart()
    {
        var plan = Split(250_00, SingleSite(5, balanceCents: 100_00));

        Assert.Equal([false, false, true], plan.Lines.Select(l => l.IsPartial));
        Assert.Equal(new AllocationLine(3, "INV-00003", 50_00, 100_00, 50_00), plan.Lines[^1]);
        Assert.Equal(3, plan.InvoiceCount);
        Assert.Equal(250_00, plan.TotalCents);
    }

    [Fact]
    public void OnTheSameInvoiceDateTheEarlierDueDateIsPaidFirst()
    {
        var dueLater = Invoice(1, 100_00, day: 0, number: "A-1", dueInDays: 45);
        var dueSooner = Invoice(2, 100_00, day: 0, number: "Z-9", dueInDays: 15);

        var plan = Split(100_00, [dueLater, dueSooner]);

        Assert.Equal(2, Assert.Single(plan.Lines).InvoiceId);
    }

    [Fact]
    public void OnTheSameInvoiceAndDueDatesTheInvoiceNumberDecidesOrdinally()
    {
        // Ordinal: "INV-10" sorts before "INV-9", and upper case before lower case, on every machine and in SQL.
        var nine = Invoice(1, 100_00, number: "INV-9");
        var ten = Invoice(2, 100_00, number: "INV-10");
        var lower = Invoice(3, 100_00, number: "inv-1");

        var plan = Split(300_00, [lower, nine, ten]);

        Assert.Equal(["INV-10", "INV-9", "inv-1"], plan.Lines.Select(l => l.InvoiceNumber));
    }

    [Fact]
    public void SkipsAnInvoiceWhoseWholeBalanceIsPending()
    {
        var pending = Invoice(1, balanceCents: 0, day: 0, pendingCents: 100_00);
        var open = Invoice(2, 100_00, day: 1);

        var plan = Split(40_00, [pending, open]);

        Assert.Equal(2, Assert.Single(plan.Lines).InvoiceId);
    }

    [Fact]
    public void APartlyPaidOrPartlyPendingInvoiceReceivesOnlyWhatIsLeftOnIt()
    {
        var partlyPending = Invoice(1, balanceCents: 30_00, day: 0, pendingCents: 70_00);
        var partlyPaid = Invoice(2, balanceCents: 25_00, day: 1);
        var next = Invoice(3, 100_00, day: 2);

        var plan = Split(60_00, [next, partlyPaid, partlyPending]);

        Assert.Equal([30_00L, 25_00L, 5_00L], plan.Lines.Select(l => l.AmountCents));
        Assert.Equal([0L, 0L, 95_00L], plan.Lines.Select(l => l.RemainingCents));
    }

    [Fact]
    public void MultiSiteChildrenAreAllocatedAlongsideSingleSiteInvoicesByDate()
    {
        var parent = Parent(900, day: 5);
        var child = Children(parent, 1, firstId: 10, balanceCents: 50_00)[0];
        var older = Invoice(1, 50_00, day: 1);
        var newer = Invoice(2, 50_00, day: 9);

        var plan = Split(120_00, [newer, child, older]);

        Assert.Equal([1L, 10L, 2L], plan.Lines.Select(l => l.InvoiceId));
    }

    [Fact]
    public void OneCentOverTheBalanceIsRefusedNamingTheMostThatCanBePaid()
    {
        var invoices = new[]
            { Invoice(1, 1_000_00), Invoice(2, 234_56, day: 1), Invoice(3, 0, day: 2, pendingCents: 50_00) };

        var ex = Assert.Throws<DomainException>(() => Split(1_234_57, invoices));

        Assert.Equal("The most you can pay is $1,234.56.", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void ZeroOrANegativeAmountIsRefused(long cents)
    {
        var ex = Assert.Throws<DomainException>(() => Split(cents, [Invoice(1)]));
        Assert.Equal("Enter an amount more than zero.", ex.Message);
    }

    [Fact]
    public void AnyAmountIsRefusedWhenNothingIsLeftToPay()
    {
        var ex = Assert.Throws<DomainException>(() => Split(1, [Invoice(1, 0, pendingCents: 10_00)]));
        Assert.Equal("There is no open balance to pay.", ex.Message);
    }

    [Fact]
    public void AnAmountReachingTheTwoHundredAndFirstInvoiceIsRefusedWithTheLargestAmountThatFits()
    {
        var invoices = SingleSite(250, balanceCents: 10_00);

        var fits = Split(2_000_00, invoices);
        var ex = Assert.Throws<DomainException>(() => Split(2_000_01, invoices));

        Assert.Equal(200, fits.InvoiceCount);
        Assert.Equal("One payment can cover at most 200 invoices; this amount would be applied to 201. "
            + "The most you can pay in one payment is $2,000.00.", ex.Message);
    }

    [Fact]
    public void TheSameInvoicePassedTwiceIsAProgrammingError() =>
        Assert.Throws<ArgumentException>(() => Split(10_00, [Invoice(1), Invoice(1)]));

    [Fact]
    public void LinesAlwaysAddUpToTheAmountAskedFor()
    {
        var random = new Random(20250101);
        for (var round = 0; round < 200; round++)
        {
            var invoices = Enumerable.Range(1, random.Next(1, 30))
                .Select(i => Invoice(
                    i, random.Next(0, 500_00), day: random.Next(0, 10), pendingCents: random.Next(0, 2) * 10_00))
                .ToList();
            var balance = invoices.Sum(i => i.BalanceCents);
            if (balance == 0) continue;
            var amount = random.NextInt64(1, balance + 1);

            var plan = Split(amount, invoices);

            Assert.Equal(amount, plan.TotalCents);
            Assert.All(plan.Lines, l => Assert.InRange(l.AmountCents, 1, l.BalanceBeforeCents));
            Assert.All(plan.Lines.SkipLast(1), l => Assert.Equal(0, l.RemainingCents));
        }
    }
}
