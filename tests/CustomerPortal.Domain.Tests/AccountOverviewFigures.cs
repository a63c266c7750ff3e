using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Overview;
using Microsoft.Extensions.Time.Testing;
using static CustomerPortal.Domain.Tests.TestInvoices;

namespace CustomerPortal.Domain.Tests;

public sealed class AccountOverviewFigures
{
    private static readonly DateOnly DueLastDayOfFebruary = new(2025, 2, 28);

    private static OpenInvoice DueOn(long id, DateOnly due, long balanceCents, long pendingCents = 0) =>
        new(id, null, $"INV-{id}", due.AddDays(-30), due, balanceCents, pendingCents);

    [Fact]
    public void AddsUpOverdueBalanceAndPendingFromTheOpenInvoices()
    {
        var today = new DateOnly(2025, 3, 10);
        var invoices = new[]
        {
            DueOn(1, today.AddDays(-1), 100_00),
            DueOn(2, today.AddDays(-40), 25_50, pendingCents: 4_50),
            DueOn(3, today, 300_00),
            DueOn(4, today.AddDays(5), 0, pendingCents: 80_00),
        };

        var overview = AccountOverview.Calculate(invoices, today, amountSelectedCents: 125_50, invoicesToPay: 2);

        Assert.Equal(new AccountOverview(OverdueBalanceCents: 125_50, BalanceCents: 425_50, PendingPaymentsCents: 84_50,
            AmountSelectedCents: 125_50, InvoicesToPay: 2), overview);
    }

    [Fact]
    public void AnInvoiceDueTodayIsNotYetOverdue()
    {
        var today = new DateOnly(2025, 3, 10);
        var overview = AccountOverview.Calculate([DueOn(1, today, 100_00)], today);
        Assert.Equal(0, overview.OverdueBalanceCents);
        Assert.Equal(100_00, overview.BalanceCents);
    }

    [Fact]
    public void AnInvoiceWhoseBalanceIsAllPendingIsNotOverdue()
    {
        var today = new DateOnly(2025, 3, 10);
        var overview = AccountOverview.Calculate([DueOn(1, today.AddDays(-10), 0, pendingCents: 100_00)], today);
        Assert.Equal((0L, 0L, 100_00L), (overview.OverdueBalanceCents, overview.BalanceCents, overview.PendingPaymentsCents));
    }

    [Fact]
    public void AtUtcMidnightAnInvoiceDueYesterdayInUtcIsStillNotOverdueInDenver()
    {
        // 1 March 2025 06:59:59 UTC is 28 February 23:59:59 in Denver (UTC−7, before daylight saving time starts).
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 6, 59, 59, TimeSpan.Zero));
        var calculator = new AccountOverviewCalculator(clock);
        OpenInvoice[] invoices = [DueOn(1, DueLastDayOfFebruary, 100_00)];

        Assert.Equal(new DateOnly(2025, 2, 28), calculator.TodayIn("America/Denver"));
        Assert.Equal(0, calculator.Calculate("America/Denver", invoices).OverdueBalanceCents);
        Assert.Equal(100_00, calculator.Calculate("UTC", invoices).OverdueBalanceCents);
    }

    [Fact]
    public void AnInvoiceBecomesOverdueAtMidnightInTheCompanysTimeZone()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 6, 59, 59, TimeSpan.Zero));
        var calculator = new AccountOverviewCalculator(clock);
        OpenInvoice[] invoices = [DueOn(1, DueLastDayOfFebruary, 100_00)];

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new DateOnly(2025, 3, 1), calculator.TodayIn("America/Denver"));
        Assert.Equal(100_00, calculator.Calculate("America/Denver", invoices).OverdueBalanceCents);
    }

    [Fact]
    public void EastOfUtcTheNewDayStartsBeforeUtcMidnight()
    {
        // 28 February 23:30 UTC is already 1 March 00:30 in Berlin.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 2, 28, 23, 30, 0, TimeSpan.Zero));
        var calculator = new AccountOverviewCalculator(clock);
        OpenInvoice[] invoices = [DueOn(1, DueLastDayOfFebruary, 100_00)];

        Assert.Equal(100_00, calculator.Calculate("Europe/Berlin", invoices).OverdueBalanceCents);
        Assert.Equal(0, calculator.Calculate("UTC", invoices).OverdueBalanceCents);
    }

    [Fact]
    public void AnUnknownTimeZoneIsRefusedInPlainWords()
    {
        var calculator = new AccountOverviewCalculator(new FakeTimeProvider());
        var ex = Assert.Throws<DomainException>(() => calculator.TodayIn("Mars/Olympus_Mons"));
        Assert.Equal("Unknown time zone 'Mars/Olympus_Mons'.", ex.Message);
    }

    [Fact]
    public void OverviewOfACustomerWithoutOpenInvoicesIsAllZero() =>
        Assert.Equal(new AccountOverview(0, 0, 0, 0, 0), AccountOverview.Calculate([], FirstOfJanuary));
}
