using CustomerPortal.Domain.Companies;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Overview;
using Microsoft.Extensions.Time.Testing;

namespace CustomerPortal.Domain.Tests;

/// <summary>
/// The Account Overview as requests make it: from the sums the read model keeps (<see cref="AccountOverview.Of"/>),
/// with "overdue" decided by <see cref="OverdueRule"/> on the company's today (<see cref="Company.TodayIn"/>).
/// </summary>
public sealed class AccountOverviewFiguresTests
{
    private static readonly DateOnly DueLastDayOfFebruary = new(2025, 2, 28);

    private static readonly Func<DateOnly, DateOnly, bool> NotYetDue = OverdueRule.NotYetDue.Compile();

    private sealed record Open(long BalanceCents, long PendingCents, DateOnly DueDate);

    /// <summary>The sums a query reads for these open invoices: balance, pending, balance not yet due.</summary>
    private static (long Balance, long Pending, long NotYetDue) Sums(IEnumerable<Open> invoices, DateOnly today)
    {
        var list = invoices.ToList();
        return (list.Sum(i => i.BalanceCents),
            list.Sum(i => i.PendingCents), list.Where(i => NotYetDue(i.DueDate, today)).Sum(i => i.BalanceCents));
    }

    private static AccountOverview Overview(
        IEnumerable<Open> invoices, DateOnly today, long amountSelectedCents = 0, int invoicesToPay = 0)
    {
        var (balance, pending, notYetDue) = Sums(invoices, today);
        return AccountOverview.Of(balance, pending, notYetDue, amountSelectedCents, invoicesToPay);
    }

    [Fact]
    public void AddsUpOverdueBalanceAndPendingFromTheOpenInvoices()
    {
        var today = new DateOnly(2025, 3, 10);
        Open[] invoices =
        [new(100_00, 0, today.AddDays(-1)),
            new(25_50, 4_50, today.AddDays(-40)), new(300_00, 0, today), new(0, 80_00, today.AddDays(5)),
        ];

        var overview = Overview(invoices, today, amountSelectedCents: 125_50, invoicesToPay: 2);

        Assert.Equal(new AccountOverview(OverdueBalanceCents: 125_50, BalanceCents: 425_50,
            PendingPaymentsCents: 84_50, AmountSelectedCents: 125_50, InvoicesToPay: 2), overview);
        // The same as adding up the overdue invoices one by one.
        var overdue = invoices.Where(i => OverdueRule.IsOverdue(i.BalanceCents, i.DueDate, today));
        Assert.Equal(overdue.Sum(i => i.BalanceCents), overview.OverdueBalanceCents);
    }

    [Fact]
    public void AnInvoiceDueTodayIsNotYetOverdue()
    {
        var today = new DateOnly(2025, 3, 10);
        var overview = Overview([new(100_00, 0, today)], today);
        Assert.Equal(0, overview.OverdueBalanceCents);
        Assert.Equal(100_00, overview.BalanceCents);
        Assert.False(OverdueRule.IsOverdue(100_00, today, today));
        Assert.True(OverdueRule.IsOverdue(100_00, today.AddDays(-1), today));
    }

    [Fact]
    public void AnInvoiceWhoseBalanceIsAllPendingIsNotOverdue()
    {
        var today = new DateOnly(2025, 3, 10);
        var overview = Overview([new(0, 100_00, today.AddDays(-10))], today);
        Assert.Equal(
            (0L, 0L, 100_00L), (overview.OverdueBalanceCents, overview.BalanceCents, overview.PendingPaymentsCents));
        Assert.False(OverdueRule.IsOverdue(0, today.AddDays(-10), today));
    }

    [Theory]
    [InlineData(-400)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(400)]
    public void WhatTheQueryCallsNotYetDueIsWhatIsNotOverdue(int dueInDays)
    {
        var today = new DateOnly(2025, 3, 10);
        var due = today.AddDays(dueInDays);
        Assert.Equal(!OverdueRule.IsOverdue(1, due, today), NotYetDue(due, today));
    }

    [Fact]
    public void AtUtcMidnightAnInvoiceDueYesterdayInUtcIsStillNotOverdueInDenver()
    {
        // 1 March 2025 06:59:59 UTC is 28 February 23:59:59 in Denver (UTC−7, before daylight saving time starts).
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 6, 59, 59, TimeSpan.Zero));
        Open[] invoices = [new(100_00, 0, DueLastDayOfFebruary)];

        Assert.Equal(new DateOnly(2025, 2, 28), Company.TodayIn("America/Denver", clock));
        Assert.Equal(0, Overview(invoices, Company.TodayIn("America/Denver", clock)).OverdueBalanceCents);
        Assert.Equal(100_00, Overview(invoices, Company.TodayIn("UTC", clock)).OverdueBalanceCents);
    }

    [Fact]
    public void AnInvoiceBecomesOverdueAtMidnightInTheCompanysTimeZone()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 6, 59, 59, TimeSpan.Zero));
        Open[] invoices = [new(100_00, 0, DueLastDayOfFebruary)];

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new DateOnly(2025, 3, 1), Company.TodayIn("America/Denver", clock));
        Assert.Equal(100_00, Overview(invoices, Company.TodayIn("America/Denver", clock)).OverdueBalanceCents);
    }

    [Fact]
    public void EastOfUtcTheNewDayStartsBeforeUtcMidnight()
    {
        // 28 February 23:30 UTC is already 1 March 00:30 in Berlin.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 2, 28, 23, 30, 0, TimeSpan.Zero));
        Open[] invoices = [new(100_00, 0, DueLastDayOfFebruary)];

        Assert.Equal(100_00, Overview(invoices, Company.TodayIn("Europe/Berlin", clock)).OverdueBalanceCents);
        Assert.Equal(0, Overview(invoices, Company.TodayIn("UTC", clock)).OverdueBalanceCents);
    }

    [Fact]
    public void AnUnknownTimeZoneIsRefusedInPlainWords()
    {
        var ex = Assert.Throws<DomainException>(() => Company.TodayIn("Mars/Olympus_Mons", new FakeTimeProvider()));
        Assert.Equal("Unknown time zone 'Mars/Olympus_Mons'.", ex.Message);
    }

    [Fact]
    public void OverviewOfACustomerWithoutOpenInvoicesIsAllZero() =>
        Assert.Equal(new AccountOverview(0, 0, 0, 0, 0), AccountOverview.Of(0, 0, 0, 0, 0));
}
