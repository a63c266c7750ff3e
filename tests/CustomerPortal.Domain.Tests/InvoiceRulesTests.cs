using CustomerPortal.Domain.Invoices;

namespace CustomerPortal.Domain.Tests;

/// <summary>
/// "Open", "payable" and "balance" as the owners state them, on invoices in each state a customer can see. The same
/// cases run through the SQL (EF's translation, the hand-written predicate, the triggers) in
/// CustomerPortal.Infrastructure.Tests (InvoiceRulesInSqlTests).
/// </summary>
public sealed class InvoiceRulesTests
{
    private static readonly Func<Invoice, bool> IsOpen = OpenInvoiceRule.IsOpen.Compile();
    private static readonly Func<Invoice, bool> IsPayable = OpenInvoiceRule.IsPayable.Compile();

    private static Invoice NewInvoice(long totalCents = 100_00) =>
        new(1, null, "x", "INV-1", new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31), 0,
            [new InvoiceLine("Pump-out", 1, totalCents, totalCents)]);

    public static TheoryData<string, bool, bool> Cases => new()
    {
        { "new", true, true },
        { "partly paid", true, true },
        { "partly pending", true, true },
        { "all pending", true, false },
        { "paid", false, false },
        { "void", false, false },
    };

    private static Invoice InState(string state)
    {
        var invoice = NewInvoice();
        switch (state)
        {
            case "partly paid": invoice.ReservePending(40_00); invoice.SettlePending(40_00); break;
            case "partly pending": invoice.ReservePending(40_00); break;
            case "all pending": invoice.ReservePending(100_00); break;
            case "paid": invoice.ReservePending(100_00); invoice.SettlePending(100_00); break;
            case "void": invoice.Void(); break;
        }
        return invoice;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnInvoiceIsOpenUntilPaidOrVoidAndPayableWhileABalanceIsLeft(string state, bool open, bool payable)
    {
        var invoice = InState(state);

        Assert.Equal((open, payable), (IsOpen(invoice), IsPayable(invoice)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheBalanceIsTotalLessPaidLessPending(string state, bool open, bool payable)
    {
        _ = (open, payable);
        var invoice = InState(state);

        var balance = Invoice.BalanceOf(invoice.TotalCents, invoice.PaidCents, invoice.PendingCents);
        Assert.Equal(balance, invoice.BalanceCents);
        var snapshot = new OpenInvoice(
            1, null, "INV-1", invoice.InvoiceDate, invoice.DueDate, balance, invoice.PendingCents);
        Assert.Equal(payable, open && snapshot.HasBalance);
    }
}
