using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Staff;

/// <summary>
/// The real payment pages during view-as: the agent sees the customer's figures, rows, selection, split and saved
/// methods (masked the same), and nothing that would pay, select or change a method; the server refuses it anyway, and
/// the agent's GETs write nothing. Pages without controls (history, a payment's result) must render the same
/// &lt;main&gt;.
/// </summary>
public sealed class ViewAsPaymentPagesTests : IAsyncLifetime
{
    private PayKit _kit = null!;
    private PortalClient _agent = null!;
    private long _paymentId;

    public async Task InitializeAsync()
    {
        _kit = await PayKit.StartAsync();
        // A payment made earlier with a card saved for later, then three invoices selected for the next one.
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(1)).Select(i => i.Id));
        _paymentId = PayKit.PaymentIdFrom(
            await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa), save: true));
        await _kit.SelectAsync((await _kit.OpenInvoicesAsync(3)).Select(i => i.Id));
        _agent = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.Staff);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffSteps.StartViewAsAsync(_agent, _kit.CustomerId)).StatusCode);
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    /// <summary>Pages with nothing to change on them: the customer and the agent get the same &lt;main&gt;.</summary>
    [Fact]
    public async Task HistoryAndAPaymentsResultAreTheSameForTheAgent()
    {
        foreach (var url in new[] { "/pay/history", $"/pay/payments/{_paymentId}" })
        {
            var asCustomer = await _kit.Client.GetDocumentAsync(url);
            var asAgent = await _agent.GetDocumentAsync(url);
            Assert.Equal(StaffSteps.MainSection(asCustomer), StaffSteps.MainSection(asAgent));
            Assert.NotNull(asAgent.QuerySelector("[data-testid=view-as-banner]"));
        }
    }

    [Fact]
    public async Task MakeAPaymentShowsTheCustomersFiguresRowsAndSelectionWithoutControls()
    {
        var asCustomer = await _kit.Client.GetDocumentAsync("/pay");
        var asAgent = await _agent.GetDocumentAsync("/pay");

        Assert.Equal(Text(asCustomer, "#pay-overview"), Text(asAgent, "#pay-overview"));
        Assert.Contains("3", Text(asAgent, "#pay-overview"));
        Assert.Equal(Rows(asCustomer), Rows(asAgent));
        var checkedByCustomer = asCustomer.QuerySelectorAll("tr[data-invoice-row]")
            .Where(r => r.QuerySelector("input[type=checkbox][checked]") is not null)
            .Select(r => r.GetAttribute("data-invoice-row")).ToList();
        var markedForAgent = asAgent.QuerySelectorAll("tr[data-invoice-row]")
            .Where(r => r.QuerySelector("[data-testid=selected-mark]") is not null)
            .Select(r => r.GetAttribute("data-invoice-row")).ToList();
        Assert.Equal(3, checkedByCustomer.Count);
        Assert.Equal(checkedByCustomer, markedForAgent);
        Assert.Contains("Select Single-Site Invoices", Text(asAgent, "[data-testid=choice-readonly]"));
        Assert.NotNull(asCustomer.QuerySelector("#pay-button"));
        AssertNoControls(asAgent);

        // A custom amount: the same amount and the same split, as text.
        await _kit.SetCustomAmountAsync(12345);
        asCustomer = await _kit.Client.GetDocumentAsync("/pay");
        asAgent = await _agent.GetDocumentAsync("/pay");
        Assert.Equal(Text(asCustomer, "#pay-overview"), Text(asAgent, "#pay-overview"));
        Assert.Equal(Text(asCustomer, "[data-testid=allocation-preview]"),
            Text(asAgent, "[data-testid=allocation-preview]"));
        Assert.Contains("$123.45", Text(asAgent, "[data-testid=amount-readonly]"));
        AssertNoControls(asAgent);
    }

    [Fact]
    public async Task CheckoutShowsTheSplitAndTheMaskedMethodsWithoutPayOrMethodControls()
    {
        var asCustomer = await _kit.Client.GetDocumentAsync("/pay/checkout");
        var asAgent = await _agent.GetDocumentAsync("/pay/checkout");

        Assert.Equal(Text(asCustomer, "[data-testid=split]"), Text(asAgent, "[data-testid=split]"));
        Assert.Equal(Text(asCustomer, "[data-testid=plan-total]"), Text(asAgent, "[data-testid=plan-total]"));
        static List<string> Methods(IHtmlDocument d) =>
            d.QuerySelectorAll("[data-testid=methods] label").Select(l => Squash(l.TextContent)).ToList();
        Assert.Equal(Methods(asCustomer), Methods(asAgent));
        Assert.Contains(Methods(asAgent), m => m.Contains("Visa •••• 4242", StringComparison.Ordinal));
        Assert.DoesNotContain("4242424242424242", asAgent.Source.Text);
        Assert.NotNull(asCustomer.QuerySelector("#pay-button"));
        Assert.NotNull(asCustomer.QuerySelector("a[href^='/pay/methods/']"));
        AssertNoControls(asAgent);
    }

    [Fact]
    public async Task TheAgentsGetsWriteNothingAndItsPostsAreRefused()
    {
        var before = StaffSteps.Snapshot(_kit.Factory);
        foreach (var url in new[]
            {
                "/pay", "/pay/checkout", "/pay/history", $"/pay/payments/{_paymentId}", "/pay/methods/1/remove",
            })
        {
            await _agent.GetAsync(url);
        }
        Assert.Equal(before, StaffSteps.Snapshot(_kit.Factory));

        var checkout = await _kit.Client.GetDocumentAsync("/pay/checkout");
        var method = checkout.QuerySelector("input[name=Method][checked]")!.GetAttribute("value")!;
        var agentPage = await _agent.GetDocumentAsync("/pay/checkout");
        var forged = await _agent.PostFormAsync(agentPage, "/pay/checkout", new()
        {
            ["Method"] = method,
            ["DraftRevision"] = checkout.QuerySelector("input[name=DraftRevision]")!.GetAttribute("value")!,
            ["ExpectedAmountCents"] = checkout.QuerySelector("input[name=ExpectedAmountCents]")!.GetAttribute("value")!,
        });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var savedId = method["saved-".Length..];
        Assert.Equal(HttpStatusCode.Forbidden,
            (await _agent.PostFormAsync(agentPage, $"/pay/methods/{savedId}/remove", new())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await _agent.PostFormAsync(agentPage, "/pay/selection/clear", new())).StatusCode);
        Assert.Equal(before, StaffSteps.Snapshot(_kit.Factory));
        Assert.Equal(1, await _kit.DbAsync(db => db.Payments.CountAsync()));
    }

    private static void AssertNoControls(IHtmlDocument page)
    {
        var main = page.QuerySelector("main")!;
        Assert.DoesNotContain(main.QuerySelectorAll("form"),
            f => !string.Equals(f.GetAttribute("method"), "get", StringComparison.OrdinalIgnoreCase));
        // (The rows-per-page form is a GET: paging is reading.)
        Assert.DoesNotContain(
            main.QuerySelectorAll("button[type=submit], input[type=checkbox], input[type=radio], input[name=amount]"),
            e => !string.Equals(e.Closest("form")?.GetAttribute("method"), "get", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(main.QuerySelectorAll("a[href*='/pay/methods/'], a[href^='/sandbox/'], #continue, #pay-button, "
            + "#select-all, #select-page, #clear-selection"));
    }

    private static string Text(IHtmlDocument page, string selector) =>
        Squash(page.QuerySelector(selector)?.TextContent ?? throw new InvalidOperationException("no " + selector));

    /// <summary>
    /// Each invoice row: its id, whether it is shown selected, and the text of every cell but the select column.
    /// </summary>
    private static List<string> Rows(IHtmlDocument page) =>
        page.QuerySelectorAll("tr[data-invoice-row]").Select(r =>
            r.GetAttribute("data-invoice-row") + "|" + r.ClassList.Contains("row-selected") + "|" +
            string.Join("|", r.Children
                .Where(c => !c.ClassList.Contains("select-col"))
                .Select(c => Squash(c.TextContent)))).ToList();

    private static string Squash(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
