using System.Net;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Foundation;

/// <summary>
/// Forms the portal cannot read (a NUL character, a number field that is not a number) are answered 400 with a page
/// that says what was wrong, and change nothing.
/// </summary>
public sealed class BadFormInputTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    private static async Task<string> RefusedAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {html}");
        Assert.DoesNotContain("Error 500", html);
        Assert.DoesNotContain("Something went wrong", html);
        return PortalClient.Parse(html).QuerySelector("main")!.TextContent;
    }

    [Fact]
    public async Task ANulCharacterInASignInFieldIsAnswered400SayingSo()
    {
        var client = PortalClient.For(_kit.Factory);
        var page = await client.GetDocumentAsync("/account/sign-in");

        var response = await client.PostFormAsync(page, "/account/sign-in", new()
        {
            ["Email"] = "ap\0@summitbuilders.example", ["Password"] = DemoAccounts.Password,
        });

        Assert.Contains("characters that are not allowed", await RefusedAsync(response));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/welcome")).StatusCode);
    }

    [Theory]
    [InlineData("/pay/amount", "amount", "12\0")]
    [InlineData("/pay/choice", "choice", "custom\0")]
    [InlineData("/pay/checkout", "Method", "saved-1\0")]
    [InlineData("/account/sign-out", "anything", "\0")]
    public async Task ANulCharacterInAnyFormOfASignedInCustomerIsAnswered400SayingSo(
        string action, string field, string value)
    {
        var response = await _kit.Client.PostAsync(action, new() { [field] = value }, tokenPage: "/pay/history");

        Assert.Contains("characters that are not allowed", await RefusedAsync(response));
        Assert.Equal(HttpStatusCode.OK, (await _kit.Client.GetAsync("/pay/history")).StatusCode); // still signed in
    }

    [Fact]
    public async Task ANulCharacterPostedToAnUnknownPageIsStillNotFound()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "\0" });

        var response = await _kit.Client.Http.PostAsync("/no-such-page", form);

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var main = PortalClient.Parse(html).QuerySelector("main")?.TextContent ?? html;
        Assert.True(main.Contains("We can't find that page", StringComparison.Ordinal), main);
    }

    [Theory]
    [InlineData("DraftRevision", "abc")]
    [InlineData("DraftRevision", "99999999999999999999")]
    [InlineData("ExpectedAmountCents", "abc")]
    [InlineData("ExpectedAmountCents", "1e3")]
    [InlineData("ExpectedAmountCents", "125.50")]
    public async Task APayFormWhoseNumbersAreNotNumbersIs400NotSelectionChanged(string field, string value)
    {
        var invoices = await _kit.OpenInvoicesAsync(1);
        await _kit.SelectAsync(invoices.Select(i => i.Id));
        var token = await _kit.CardTokenAsync(PayKit.Visa);
        var before = await _kit.DbAsync(db => db.Payments.CountAsync());

        var response = await _kit.PayAsync("new-" + token, overrides: new() { [field] = value });

        var text = await RefusedAsync(response);
        Assert.Contains(field, text);
        Assert.Contains("should be a whole number", text);
        Assert.DoesNotContain("selection changed", text);
        Assert.Equal(before, await _kit.DbAsync(db => db.Payments.CountAsync()));
        Assert.Empty(await _kit.Sandbox.ListChargesAsync());
    }

    [Theory]
    [InlineData("/pay/selection/all", "page", "abc")]
    [InlineData("/pay/selection/clear", "size", "1e3")]
    [InlineData("/pay/continue", "open", "abc")]
    public async Task AMakeAPaymentFormWhoseNumbersAreNotNumbersIs400(string action, string field, string value)
    {
        var response = await _kit.Client.PostAsync(action, new() { [field] = value }, tokenPage: "/pay");

        var text = await RefusedAsync(response);
        Assert.Contains(field, text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("should be a whole number", text);
    }
}
