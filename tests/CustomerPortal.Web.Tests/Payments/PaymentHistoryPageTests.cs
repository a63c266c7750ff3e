using CustomerPortal.Web.Tests.Infrastructure;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>Payment history as a customer reads it (issue 16, item 10).</summary>
public sealed class PaymentHistoryPageTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task ThePaidInvoicesAreListedWithACommaAfterEachNumberAndNoSpaceBeforeIt()
    {
        var invoices = await _kit.OpenInvoicesAsync(3);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        PayKit.PaymentIdFrom(await _kit.PayAsync("new-" + await _kit.CardTokenAsync(PayKit.Visa)));

        var page = await _kit.Client.GetDocumentAsync("/pay/history");

        var listed = page.QuerySelector("[data-testid=history-invoices]")!.TextContent.Trim();
        Assert.Equal(string.Join(", ", invoices.Select(i => i.Number).Order(StringComparer.Ordinal)),
            string.Join(", ", listed.Split(", ").Order(StringComparer.Ordinal)));
        Assert.DoesNotContain(" ,", listed, StringComparison.Ordinal);
        // Each cell names its column, for the card layout of narrow screens.
        Assert.All(page.QuerySelectorAll("[data-testid=history-row] td"),
            td => Assert.False(string.IsNullOrEmpty(td.GetAttribute("data-label"))));
    }
}
