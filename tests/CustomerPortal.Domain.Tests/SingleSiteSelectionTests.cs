using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;
using static CustomerPortal.Domain.Tests.TestInvoices;

namespace CustomerPortal.Domain.Tests;

public sealed class SingleSiteSelectionTests
{
    private static readonly IReadOnlySet<long> Nothing = new HashSet<long>();

    private static InvoiceSelection Over(IEnumerable<OpenInvoice> invoices, params OpenMultiSiteInvoice[] parents) =>
        new(PaymentChoice.SingleSite, invoices, parents);

    private static HashSet<long> Ids(long from, int count) =>
        Enumerable.Range(0, count).Select(i => from + i).ToHashSet();

    [Fact]
    public void CheckingAnInvoiceSelectsItAndUncheckingItLetsItGo()
    {
        var selection = Over(SingleSite(3));

        var checkedOne = selection.SetInvoice(Nothing, 2, check: true);
        var uncheckedAgain = selection.SetInvoice(checkedOne.Selected, 2, check: false);

        Assert.Equal(SelectionOutcome.Accepted, checkedOne.Outcome);
        Assert.Equal([2L], checkedOne.Selected);
        Assert.Equal(SelectionOutcome.Accepted, uncheckedAgain.Outcome);
        Assert.Empty(uncheckedAgain.Selected);
    }

    [Fact]
    public void CheckingTheSameInvoiceTwiceKeepsItSelected()
    {
        var selection = Over(SingleSite(3));
        var once = selection.SetInvoice(Nothing, 2, check: true);
        var twice = selection.SetInvoice(once.Selected, 2, check: true);
        Assert.Equal([2L], twice.Selected);
    }

    [Fact]
    public void TheTwoHundredthInvoiceCanBeAdded()
    {
        var selection = Over(SingleSite(201));

        var result = selection.SetInvoice(Ids(1, 199), 200, check: true);

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal(200, result.Selected.Count);
    }

    [Fact]
    public void TheTwoHundredAndFirstInvoiceIsRefusedAndTheSelectionStaysAsItWas()
    {
        var selection = Over(SingleSite(201));
        var twoHundred = Ids(1, 200);

        var result = selection.SetInvoice(twoHundred, 201, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("One payment can cover at most 200 invoices; this would select 201.", result.Message);
        Assert.Same(twoHundred, result.Selected);
        Assert.Equal(200, twoHundred.Count);
    }

    [Fact]
    public void SelectingAPageThatWouldPassTwoHundredIsRefusedWhole()
    {
        var selection = Over(SingleSite(300));
        var current = Ids(1, 190);

        var result = selection.SelectPage(current, Ids(191, 25).ToList());

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("One payment can cover at most 200 invoices; this would select 215.", result.Message);
        Assert.Same(current, result.Selected);
    }

    [Fact]
    public void SelectingAPageAddsItsInvoicesToWhatIsAlreadySelectedOnOtherPages()
    {
        var selection = Over(SingleSite(60));

        var result = selection.SelectPage(Ids(1, 3), Ids(26, 25).ToList());

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal(Ids(1, 3).Union(Ids(26, 25)).ToHashSet(), result.Selected);
    }

    [Fact]
    public void SelectingAPagePassesOverInvoicesWithAPaymentPending()
    {
        var selection = Over([Invoice(1), Invoice(2, balanceCents: 0, pendingCents: 100_00), Invoice(3)]);

        var result = selection.SelectPage(Nothing, [1, 2, 3]);

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal([1L, 3L], result.Selected.Order());
    }

    [Fact]
    public void CheckingAnInvoiceWithAPaymentPendingIsRefusedSoItCannotBePaidTwice()
    {
        var selection = Over([Invoice(1, balanceCents: 0, pendingCents: 100_00, number: "INV-77")]);

        var result = selection.SetInvoice(Nothing, 1, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("Invoice INV-77 has a payment pending and nothing left to pay.", result.Message);
    }

    [Fact]
    public void SelectAllWithThreeHundredFortyInvoicesTakesTheTwoHundredOldestWithANotice()
    {
        // Ids run newest to oldest so that "the 200 oldest" is not simply "the 200 lowest ids".
        var invoices = Enumerable.Range(1, 340).Select(i => Invoice(i, day: 340 - i)).ToList();
        var selection = Over(invoices);

        var result = selection.SelectAll(Nothing);

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal(Ids(141, 200), result.Selected);
        Assert.Equal("200 of 340 selected — the most one payment can cover", result.Message);
    }

    [Fact]
    public void SelectAllTakesTheSameTwoHundredWhateverOrderTheInvoicesComeIn()
    {
        // The rules are given the invoices in the order a query or a cache returns them, not sorted.
        var invoices = Enumerable.Range(1, 340)
            .Select(i => Invoice(i, day: i / 3, number: $"N-{1000 - i % 7}")).ToList();
        var shuffled = invoices.OrderBy(i => (i.Id * 7919) % 340).ToList();
        var expected = invoices.OrderOldestFirst().Take(200).Select(i => i.Id).ToHashSet();

        Assert.Equal(expected, Over(shuffled).SelectAll(Nothing).Selected);
        Assert.Equal(expected, Over(Enumerable.Reverse(invoices)).SelectAll(Nothing).Selected);
    }

    [Fact]
    public void SelectAllReplacesASelectionOfNewerInvoicesWithTheTwoHundredOldest()
    {
        var selection = Over(SingleSite(340));

        var result = selection.SelectAll(Ids(301, 40));

        Assert.Equal(Ids(1, 200), result.Selected);
    }

    [Fact]
    public void SelectAllWithTwoHundredOrFewerSelectsEveryPayableInvoiceWithoutANotice()
    {
        var invoices = SingleSite(200);
        invoices.Add(Invoice(999, balanceCents: 0, pendingCents: 5_00));
        var selection = Over(invoices);

        var result = selection.SelectAll(Nothing);

        Assert.Equal(Ids(1, 200), result.Selected);
        Assert.Null(result.Message);
    }

    [Fact]
    public void SelectAllLeavesMultiSiteChildrenOut()
    {
        var parent = Parent(50);
        var selection = Over([.. SingleSite(2), .. Children(parent, 3, firstId: 100)], parent);

        Assert.Equal([1L, 2L], selection.SelectAll(Nothing).Selected.Order());
    }

    [Fact]
    public void ClearEmptiesTheSelection() => Assert.Empty(InvoiceSelection.Clear().Selected);

    [Fact]
    public void AnIdThatIsNotOneOfTheCustomersOpenInvoicesIsNotFoundAndChangesNothing()
    {
        var selection = Over(SingleSite(3));
        var current = new HashSet<long> { 1 };

        var checkForeign = selection.SetInvoice(current, 4242, check: true);
        var uncheckForeign = selection.SetInvoice(current, 4242, check: false);
        var pageWithForeign = selection.SelectPage(current, [2, 4242]);

        Assert.All([checkForeign, uncheckForeign, pageWithForeign], r =>
        {
            Assert.Equal(SelectionOutcome.NotFound, r.Outcome);
            Assert.Equal("That invoice is not one of your open invoices.", r.Message);
            Assert.Same(current, r.Selected);
        });
    }

    [Fact]
    public void TheSameIdTwiceInOneRequestIsRefused()
    {
        var selection = Over(SingleSite(3));

        var result = selection.SelectPage(Nothing, [1, 2, 1]);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("The same invoice was given more than once.", result.Message);
        Assert.Empty(result.Selected);
    }

    [Fact]
    public void AChildOfAMultiSiteInvoiceCannotBeCheckedAmongSingleSiteInvoices()
    {
        var parent = Parent(50, number: "MS-50");
        var selection = Over([.. SingleSite(2), .. Children(parent, 2, firstId: 100)], parent);

        var result = selection.SetInvoice(Nothing, 100, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal(
            "Invoice MS-50-001 is part of multi-site invoice MS-50; choose “Select Multi-Site Invoices” to pay it.",
            result.Message);
    }

    [Fact]
    public void AMultiSiteInvoiceCannotBeCheckedAmongSingleSiteInvoices()
    {
        var parent = Parent(50);
        var selection = Over(Children(parent, 2, firstId: 100), parent);

        var result = selection.SetParent(Nothing, 50, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("Multi-site invoices are paid under “Select Multi-Site Invoices”.", result.Message);
    }

    [Fact]
    public void TotalsAddUpTheBalancesOfTheSelectedInvoices()
    {
        var selection = Over([Invoice(1, 100_00), Invoice(2, 25_55), Invoice(3, 1)]);

        Assert.Equal(new SelectionTotals(125_56, 3), selection.Totals(new HashSet<long> { 1, 2, 3 }));
        Assert.Equal(new SelectionTotals(0, 0), selection.Totals(Nothing));
    }

    [Fact]
    public void AnInvoicePaidSinceItWasSelectedNoLongerCountsAndDropsOutOnTheNextChange()
    {
        // Invoice 2 was selected earlier and has since been paid in the back office, so it is no longer open.
        var selection = Over([Invoice(1, 100_00), Invoice(3, 10_00)]);
        var stale = new HashSet<long> { 1, 2 };

        Assert.Equal(new SelectionTotals(100_00, 1), selection.Totals(stale));
        Assert.Equal([1L, 3L], selection.SetInvoice(stale, 3, check: true).Selected.Order());
    }

    [Fact]
    public void ACustomAmountHasNoInvoiceSelection() =>
        Assert.Throws<ArgumentException>(() => new InvoiceSelection(PaymentChoice.CustomAmount, [], []));
}
