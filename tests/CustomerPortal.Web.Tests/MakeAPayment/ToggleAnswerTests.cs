using System.Globalization;
using System.Net;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CustomerPortal.Web.Tests.Infrastructure.PageText;

namespace CustomerPortal.Web.Tests.MakeAPayment;

/// <summary>
/// A toggle's answer to the page's script: only what the toggle changed when the page showed the version the server
/// still has (draft revision and invoice figures); the whole work area otherwise (no version, another tab's change, a
/// payment or an invoice change since, a refusal).
/// </summary>
public sealed class ToggleAnswerTests : IDisposable
{
    private readonly PortalFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task FromTheVersionItStartedFromAToggleAnswersWithTheOverviewTheChangedRowAndThePayBarOnly()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var (first, second) = (await _factory.PayableInvoicesAsync("1001"))
            .Where(i => i.Parent is null).Take(2).ToList() switch { var l => (l[0], l[1]) };
        var version = await pay.VersionAsync();

        var answer = await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(first.Id), ["check"] = "true" }, version);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(
            ["ach-text", "inv-" + first.Id, "pay-continue", "pay-overview", "selection-message"],
            answer.Templates.Keys.Order());
        Assert.True(answer.Replaces("inv-" + first.Id));
        var row = answer["inv-" + first.Id].QuerySelector("tr")!;
        Assert.Equal("inv-" + first.Id, row.Id);
        Assert.Contains("row-selected", row.ClassList);
        Assert.NotNull(row.QuerySelector($"#sel-{first.Id}[checked]"));
        Assert.Equal(Usd(first.Balance), answer.Figure("amount-selected"));
        Assert.Equal("1", answer.Figure("invoices-to-pay"));
        Assert.Equal("Pay " + Usd(first.Balance),
            answer["pay-continue"].QuerySelector("#pay-button")!.TextContent.Trim());
        Assert.Null(answer["selection-message"].QuerySelector("[role]"));
        var (revision, stamp) = Split(version);
        // the revision moved on, the invoice figures did not
        Assert.Equal(Text(revision + 1) + "." + stamp, answer.Version);

        // The next toggle from the version just answered is answered the same way, and the figures are the page's.
        var next = await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(second.Id), ["check"] = "true" }, answer.Version);
        Assert.True(next.Replaces("inv-" + second.Id));
        Assert.Equal(Usd(first.Balance + second.Balance), next.Figure("amount-selected"));
        var page = await pay.PageAsync();
        Assert.Equal(Usd(first.Balance + second.Balance), PayPageDriver.Figure(page, "amount-selected"));
        Assert.Equal(next.Version, page.QuerySelector("#pay-workarea")!.GetAttribute("data-version"));
    }

    private static (int Revision, string Stamp) Split(string version) =>
        (int.Parse(version[..version.IndexOf('.')], CultureInfo.InvariantCulture),
            version[(version.IndexOf('.') + 1)..]);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("0")]
    [InlineData("0.")]
    [InlineData(".0")]
    [InlineData("-1.abc")]
    [InlineData("0.0000000000000000")] // the right revision, other invoice figures
    public async Task WithoutTheVersionThePageShowsTheAnswerIsTheWholeWorkArea(string? version)
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var first = (await _factory.PayableInvoicesAsync("1001")).First(i => i.Parent is null);
        Assert.StartsWith("0.", await pay.VersionAsync()); // no draft yet

        var answer = await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(first.Id), ["check"] = "true" }, version);

        Assert.Equal(["ach-text", "pay-continue", "pay-overview", "pay-workarea"], answer.Templates.Keys.Order());
        Assert.Equal(Usd(first.Balance), answer.Figure("amount-selected"));
        Assert.StartsWith("1.", answer.Version);
        Assert.Equal(answer.Version, await pay.VersionAsync());
    }

    [Fact]
    public async Task AfterAnInvoiceWasPaidElsewhereTheAnswerIsTheWholeWorkAreaWithThatInvoiceGone()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var (first, second, third) = (await _factory.PayableInvoicesAsync("1001"))
            .Where(i => i.Parent is null).Take(3).ToList() switch { var l => (l[0], l[1], l[2]) };
        await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(first.Id), ["check"] = "true" }, null);
        await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(second.Id), ["check"] = "true" }, null);
        var shown = await pay.VersionAsync(); // the page shows the first two checked

        // Another contact's payment (or the back office) settles the first invoice; the draft's revision does not move.
        await _factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE Invoices SET PaidCents = TotalCents, BalanceCents = 0 WHERE Id = {0}", first.Id));
        var answer = await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(third.Id), ["check"] = "true" }, shown);

        Assert.True(answer.Templates.ContainsKey("pay-workarea"),
            "a row-only answer would leave the paid invoice's row as it was");
        Assert.Null(answer["pay-workarea"].QuerySelector($"#inv-{first.Id}"));
        Assert.NotNull(answer["pay-workarea"].QuerySelector($"#sel-{second.Id}[checked]"));
        Assert.Equal("2", answer.Figure("invoices-to-pay"));
        Assert.Equal(Usd(second.Balance + third.Balance), answer.Figure("amount-selected"));
        Assert.NotEqual(Split(shown).Stamp, Split(answer.Version!).Stamp);
    }

    [Fact]
    public async Task AfterAnotherTabsChangeTheAnswerIsTheWholeWorkAreaShowingBothChanges()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var (first, second) = (await _factory.PayableInvoicesAsync("1001"))
            .Where(i => i.Parent is null).Take(2).ToList() switch { var l => (l[0], l[1]) };
        var shown = await pay.VersionAsync(); // this tab's page

        // Another tab of the same user checks the first invoice.
        await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(first.Id), ["check"] = "true" }, null);
        // This tab, still showing the old revision, checks the second.
        var answer = await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(second.Id), ["check"] = "true" }, shown);

        Assert.True(answer.Templates.ContainsKey("pay-workarea"));
        var workarea = answer["pay-workarea"];
        Assert.NotNull(workarea.QuerySelector($"#sel-{first.Id}[checked]"));
        Assert.NotNull(workarea.QuerySelector($"#sel-{second.Id}[checked]"));
        Assert.Equal("2", answer.Figure("invoices-to-pay"));
    }

    [Fact]
    public async Task UnderMultiSiteAChildsAnswerRedrawsItsParentAndTheParentsChildren()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        await pay.ChooseAsync("multi");
        var open = await _factory.PayableInvoicesAsync("1001");
        var parentId = open.First(i => i.Parent is not null).Parent!.Value;
        var children = open.Where(i => i.Parent == parentId).ToList();

        var parent = await pay.ToggleAsync("/pay/selection/parent",
            new() { ["parentId"] = Text(parentId), ["check"] = "true", ["open"] = Text(parentId) },
                await pay.VersionAsync());
        Assert.Equal(["ach-text", "children-" + parentId, "pay-continue", "pay-overview", "prow-" + parentId,
            "selection-message"], parent.Templates.Keys.Order());
        Assert.True(parent.Replaces("prow-" + parentId));
        Assert.False(parent.Replaces("children-" + parentId)); // the group keeps its own element (and its hidden state)
        Assert.NotNull(parent["prow-" + parentId].QuerySelector($"#par-{parentId}[checked]"));
        Assert.Equal(
            children.Count, parent["children-" + parentId].QuerySelectorAll("tr.child-row input[checked]").Length);
        Assert.Equal(Text(children.Count), parent.Figure("invoices-to-pay"));

        var child = await pay.ToggleAsync("/pay/selection/invoice",
            new() { ["invoiceId"] = Text(children[0].Id), ["check"] = "false", ["open"] = Text(parentId) },
                parent.Version);
        Assert.True(child.Replaces("prow-" + parentId));
        Assert.Equal(
            "true", child["prow-" + parentId].QuerySelector($"#par-{parentId}")!.GetAttribute("data-indeterminate"));
        Assert.Null(child["children-" + parentId].QuerySelector($"#sel-{children[0].Id}[checked]"));
        Assert.Equal(
            children.Count - 1, child["children-" + parentId].QuerySelectorAll("tr.child-row input[checked]").Length);
        Assert.Equal(Text(children.Count - 1), child.Figure("invoices-to-pay"));
        Assert.Equal(Usd(children.Skip(1).Sum(c => c.Balance)), child.Figure("amount-selected"));
    }

    [Fact]
    public async Task ARefusedToggleAnswersTheWholeWorkAreaWithItsMessageAndStatus()
    {
        var pay = await PayPageDriver.SignedInAsync(_factory, DemoAccounts.ProCustomer);
        var alpine = await _factory.CustomerIdAsync("1002");
        var other = await _factory.WithDbAsync(db => db.Invoices
            .Where(i => i.CustomerId == alpine && !i.IsVoid && i.BalanceCents > 0).Select(i => i.Id).FirstAsync());
        var version = await pay.VersionAsync();

        var answer = await pay.ToggleAsync(
            "/pay/selection/invoice", new() { ["invoiceId"] = Text(other), ["check"] = "true" }, version);

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.True(answer.Templates.ContainsKey("pay-workarea"));
        Assert.NotNull(answer["pay-workarea"].QuerySelector("[data-testid=selection-message]"));
        Assert.Equal(version, answer.Version);
    }
}
