using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Selection;
using static CustomerPortal.Domain.Tests.TestInvoices;

namespace CustomerPortal.Domain.Tests;

public sealed class MultiSiteSelectionTests
{
    private static readonly IReadOnlySet<long> Nothing = new HashSet<long>();

    private static InvoiceSelection Over(IEnumerable<OpenInvoice> invoices, params OpenMultiSiteInvoice[] parents) =>
        new(PaymentChoice.MultiSite, invoices, parents);

    private static HashSet<long> Ids(long from, int count) =>
        Enumerable.Range(0, count).Select(i => from + i).ToHashSet();

    [Fact]
    public void CheckingAParentSelectsAllItsChildren()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 4, firstId: 10), parent);

        var result = selection.SetParent(Nothing, 1, check: true);

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal(Ids(10, 4), result.Selected);
        Assert.Equal(ParentCheckState.Checked, selection.StateOf(1, result.Selected));
    }

    [Fact]
    public void CheckingAParentLeavesOutAChildWithAPaymentPendingAndStillShowsAsChecked()
    {
        var parent = Parent(1);
        var children = Children(parent, 3, firstId: 10);
        children[1] = children[1] with { BalanceCents = 0, PendingCents = 50_00 };
        var selection = Over(children, parent);

        var result = selection.SetParent(Nothing, 1, check: true);

        Assert.Equal([10L, 12L], result.Selected.Order());
        Assert.Equal(ParentCheckState.Checked, selection.StateOf(1, result.Selected));
        Assert.Equal(new SelectionTotals(100_00, 2), selection.Totals(result.Selected));
    }

    [Fact]
    public void UncheckingAParentClearsItsChildrenAndNoOtherParents()
    {
        var first = Parent(1);
        var second = Parent(2, day: 3);
        var selection = Over([.. Children(first, 3, firstId: 10), .. Children(second, 2, firstId: 20)], first, second);
        var both = Ids(10, 3).Union(Ids(20, 2)).ToHashSet();

        var result = selection.SetParent(both, 1, check: false);

        Assert.Equal(Ids(20, 2), result.Selected);
        Assert.Equal(ParentCheckState.Unchecked, selection.StateOf(1, result.Selected));
    }

    [Fact]
    public void UncheckingOneChildOfACheckedParentMakesTheParentIndeterminate()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 3, firstId: 10), parent);

        var parentChecked = selection.SetParent(Nothing, 1, check: true);
        var childUnchecked = selection.SetInvoice(parentChecked.Selected, 11, check: false);

        Assert.Equal([10L, 12L], childUnchecked.Selected.Order());
        Assert.Equal(ParentCheckState.Indeterminate, selection.StateOf(1, childUnchecked.Selected));
    }

    [Fact]
    public void CheckingAParentAfterOneOfItsChildrenSelectsTheRestWithoutCountingTheChildTwice()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 3, firstId: 10, balanceCents: 10_00), parent);

        var childChecked = selection.SetInvoice(Nothing, 11, check: true);
        var parentChecked = selection.SetParent(childChecked.Selected, 1, check: true);

        Assert.Equal(ParentCheckState.Indeterminate, selection.StateOf(1, childChecked.Selected));
        Assert.Equal(Ids(10, 3), parentChecked.Selected);
        Assert.Equal(new SelectionTotals(30_00, 3), selection.Totals(parentChecked.Selected));
    }

    [Fact]
    public void CheckingEveryChildOneByOneMakesTheParentChecked()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 2, firstId: 10), parent);

        var one = selection.SetInvoice(Nothing, 10, check: true);
        var two = selection.SetInvoice(one.Selected, 11, check: true);

        Assert.Equal(ParentCheckState.Checked, selection.StateOf(1, two.Selected));
    }

    [Fact]
    public void AParentWithTwoHundredOpenChildrenCanBeChecked()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 200, firstId: 1000), parent);

        var result = selection.SetParent(Nothing, 1, check: true);

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal(200, result.Selected.Count);
    }

    [Fact]
    public void AParentWithTwoHundredAndOneOpenChildrenIsRefusedWithAWayForward()
    {
        var parent = Parent(1, number: "MS-BIG");
        var selection = Over(Children(parent, 201, firstId: 1000), parent);

        var result = selection.SetParent(Nothing, 1, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("Multi-site invoice MS-BIG has 201 invoices to pay, more than one payment can cover (200). "
            + "Expand it and select its invoices one by one.", result.Message);
        Assert.Empty(result.Selected);
    }

    [Fact]
    public void ChildrenOfThatLargeParentCanStillBeCheckedOneByOneUpToTwoHundred()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 201, firstId: 1000), parent);

        var atCap = selection.SetInvoice(Ids(1000, 199), 1199, check: true);
        var overCap = selection.SetInvoice(atCap.Selected, 1200, check: true);

        Assert.Equal(SelectionOutcome.Accepted, atCap.Outcome);
        Assert.Equal(ParentCheckState.Indeterminate, selection.StateOf(1, atCap.Selected));
        Assert.Equal("One payment can cover at most 200 invoices; this would select 201.", overCap.Message);
    }

    [Fact]
    public void CheckingAParentThatWouldPassTwoHundredIsRefusedAndNothingIsDropped()
    {
        var first = Parent(1);
        var second = Parent(2, day: 1);
        var selection = Over(
            [.. Children(first, 150, firstId: 1000), .. Children(second, 60, firstId: 2000)], first, second);
        var current = Ids(1000, 150);

        var result = selection.SetParent(current, 2, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("One payment can cover at most 200 invoices; this would select 210.", result.Message);
        Assert.Same(current, result.Selected);
    }

    [Fact]
    public void SelectPageActsOnParentsWithAllTheirChildren()
    {
        var first = Parent(1);
        var second = Parent(2, day: 1);
        var third = Parent(3, day: 2);
        var selection = Over(
            [
                .. Children(first, 2, firstId: 10),
                .. Children(second, 2, firstId: 20),
                .. Children(third, 2, firstId: 30),
            ],
            first, second, third);

        var result = selection.SelectPage(Nothing, [1, 3]);

        Assert.Equal([10L, 11L, 30L, 31L], result.Selected.Order());
    }

    [Fact]
    public void SelectAllTakesWholeParentsOldestFirstAndStopsAtTheFirstThatDoesNotFit()
    {
        var oldest = Parent(1, day: 0);
        var middle = Parent(2, day: 5);
        var tooMany = Parent(3, day: 10);
        var newest = Parent(4, day: 20);
        var selection = Over(
            [
                .. Children(newest, 5, firstId: 4000),
                .. Children(oldest, 120, firstId: 1000),
                .. Children(middle, 70, firstId: 2000),
                .. Children(tooMany, 30, firstId: 3000),
            ],
            newest, tooMany, middle, oldest);

        var result = selection.SelectAll(Nothing);

        Assert.Equal(SelectionOutcome.Accepted, result.Outcome);
        Assert.Equal(Ids(1000, 120).Union(Ids(2000, 70)).ToHashSet(), result.Selected);
        Assert.Equal(
            "2 of 4 multi-site invoices selected (190 invoices) — the most one payment can cover", result.Message);
        Assert.Equal(ParentCheckState.Unchecked, selection.StateOf(4, result.Selected));
    }

    [Fact]
    public void SelectAllThatFitsSelectsEveryParentWithoutANotice()
    {
        var first = Parent(1);
        var second = Parent(2, day: 1);
        var selection = Over([.. Children(first, 3, firstId: 10), .. Children(second, 3, firstId: 20)], first, second);

        var result = selection.SelectAll(Nothing);

        Assert.Equal(Ids(10, 3).Union(Ids(20, 3)).ToHashSet(), result.Selected);
        Assert.Null(result.Message);
    }

    [Fact]
    public void SelectAllIsRefusedWhenTheOldestParentAloneHasMoreThanTwoHundredInvoices()
    {
        var huge = Parent(1, number: "MS-HUGE");
        var small = Parent(2, day: 1);
        var selection = Over([.. Children(huge, 201, firstId: 1000), .. Children(small, 2, firstId: 20)], huge, small);
        var current = new HashSet<long> { 20 };

        var result = selection.SelectAll(current);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.StartsWith("Multi-site invoice MS-HUGE has 201 invoices to pay", result.Message);
        Assert.Same(current, result.Selected);
    }

    [Fact]
    public void SelectPageTakesParentIdsOnlySoAChildsIdIsNotFoundAndChangesNothing()
    {
        // The page's "Select page" sends the parents on screen; a child's id is not one of them (ids are separate
        // spaces).
        var parent = Parent(1, number: "MS-1");
        var selection = Over(Children(parent, 2, firstId: 10), parent);
        var current = new HashSet<long> { 10 };

        var result = selection.SelectPage(current, [1, 11]);

        Assert.Equal(SelectionOutcome.NotFound, result.Outcome);
        Assert.Equal("That multi-site invoice is not one of your open invoices.", result.Message);
        Assert.Same(current, result.Selected);
    }

    [Fact]
    public void ASingleSiteInvoiceCannotBeCheckedAmongMultiSiteInvoices()
    {
        var parent = Parent(1);
        var selection = Over([Invoice(5, number: "INV-5"), .. Children(parent, 2, firstId: 10)], parent);

        var result = selection.SetInvoice(Nothing, 5, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal(
            "Invoice INV-5 is a single-site invoice; choose “Select Single-Site Invoices” to pay it.", result.Message);
    }

    [Fact]
    public void AnUnknownParentIsNotFound()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 2, firstId: 10), parent);

        var result = selection.SetParent(Nothing, 99, check: true);

        Assert.Equal(SelectionOutcome.NotFound, result.Outcome);
        Assert.Equal("That multi-site invoice is not one of your open invoices.", result.Message);
    }

    [Fact]
    public void TheSameParentTwiceInOneRequestIsRefused()
    {
        var parent = Parent(1);
        var selection = Over(Children(parent, 2, firstId: 10), parent);

        Assert.Equal(SelectionOutcome.Refused, selection.SelectPage(Nothing, [1, 1]).Outcome);
    }

    [Fact]
    public void CheckingAParentWithNothingLeftToPayIsRefused()
    {
        var parent = Parent(1, number: "MS-1");
        var children = Children(parent, 2, firstId: 10).Select(c => c with { BalanceCents = 0, PendingCents = 50_00 });
        var selection = Over(children, parent);

        var result = selection.SetParent(Nothing, 1, check: true);

        Assert.Equal(SelectionOutcome.Refused, result.Outcome);
        Assert.Equal("Multi-site invoice MS-1 has nothing left to pay.", result.Message);
        Assert.Equal(ParentCheckState.Unchecked, selection.StateOf(1, result.Selected));
    }

    [Fact]
    public void TotalsCountEveryChildOneByOne()
    {
        var first = Parent(1);
        var second = Parent(2, day: 1);
        var selection = Over(
            [
                .. Children(first, 3, firstId: 10, balanceCents: 10_00),
                .. Children(second, 4, firstId: 20, balanceCents: 1_01),
            ],
            first, second);
        var all = selection.SelectAll(Nothing).Selected;

        Assert.Equal(new SelectionTotals(34_04, 7), selection.Totals(all));
    }

    [Fact]
    public void AChildWhoseParentWasNotPassedIsAProgrammingError() =>
        Assert.Throws<ArgumentException>(() => Over(Children(Parent(1), 1, firstId: 10)));
}
