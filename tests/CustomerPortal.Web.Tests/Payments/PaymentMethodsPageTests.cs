using System.Net;
using AngleSharp.Html.Dom;
using CustomerPortal.Domain.Payments;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Web.Tests.Staff;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Payments;

/// <summary>
/// The Payment methods page (issue 16, item 7): in the navigation of a Pro-plan customer; lists saved cards and bank
/// accounts with the expired ones marked; sets the default; removes after a confirmation; adds a card or a bank account
/// (with the bank debit authorization) through the processor's entry form without paying; read-only in view-as.
/// </summary>
public sealed class PaymentMethodsPageTests : IAsyncLifetime
{
    private PayKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PayKit.StartAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task AProPlanCustomerFindsPaymentMethodsInTheNavigationAndAStandardPlanCustomerDoesNot()
    {
        var page = await _kit.Client.GetDocumentAsync("/pay/methods");
        Assert.NotNull(page.QuerySelector("nav a[href='/pay/methods'][aria-current=page]"));
        Assert.Equal("Payment methods", page.QuerySelector("main h1")!.TextContent.Trim());

        var farms = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.StandardCustomer);
        var pay = await farms.GetDocumentAsync("/pay");
        Assert.Null(pay.QuerySelector("nav a[href='/pay/methods']"));
        Assert.Null(pay.QuerySelector("nav a[href='/pay/history']"));
        Assert.Equal(HttpStatusCode.Forbidden, (await farms.GetAsync("/pay/methods")).StatusCode);
    }

    [Fact]
    public async Task ACardEnteredFromThePageIsSavedWithoutPayingAndBecomesTheDefault()
    {
        var enter = await _kit.Client.GetDocumentAsync(AddLink(await MethodsPageAsync(), "Add a card"));
        var back = await _kit.Client.PostFormAsync(enter, "/sandbox/elements/card", new()
        {
            ["number"] = PayKit.Visa, ["expMonth"] = "11", ["expYear"] = "2031", ["cvc"] = "123",
            ["return_url"] = "/pay/methods",
        });
        Assert.Equal("/pay/methods", back.Headers.Location!.ToString());

        var offered = await MethodsPageAsync();
        var form = offered.QuerySelector("[data-testid=new-method] form")!;
        Assert.Contains("Visa •••• 4242", offered.QuerySelector("[data-testid=new-method]")!.TextContent);
        var saved = await _kit.Client.PostFormAsync(offered, form.GetAttribute("action")!, new());

        Assert.Equal("/pay/methods", saved.Headers.Location!.ToString());
        var after = await MethodsPageAsync();
        Assert.Contains("The payment method was saved.", after.QuerySelector("[data-testid=methods-message]")!
            .TextContent);
        Assert.Null(after.QuerySelector("[data-testid=new-method]"));
        var row = Assert.Single(after.QuerySelectorAll("[data-testid=method]"));
        Assert.Contains("Visa •••• 4242", row.TextContent);
        Assert.Contains("Expires 11/2031", row.TextContent);
        Assert.Contains("Default", row.TextContent);
        Assert.Equal(0, await _kit.DbAsync(db => db.Payments.CountAsync()));
    }

    [Fact]
    public async Task ABankAccountIsSavedFromThePageOnlyWithTheStandingAuthorizationWhichIsKept()
    {
        var enter = await _kit.Client.GetDocumentAsync(AddLink(await MethodsPageAsync(), "Add a bank account"));
        await _kit.Client.PostFormAsync(enter, "/sandbox/elements/bank", new()
        {
            ["routing"] = "110000000", ["account"] = PayKit.AchOk, ["accountType"] = "checking",
            ["return_url"] = "/pay/methods",
        });
        var offered = await MethodsPageAsync();
        var text = offered.QuerySelector("[data-testid=ach-text]")!.TextContent;
        Assert.Equal(AchAuthorization.StandingText("Rocky Mountain Site Services"), text);
        var action = offered.QuerySelector("[data-testid=new-method] form")!.GetAttribute("action")!;

        var refused = await _kit.Client.PostFormAsync(offered, action, new());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusal = PortalClient.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Accept the bank debit authorization",
            refusal.QuerySelector("[data-testid=methods-error]")!.TextContent);
        Assert.Equal(0, await _kit.DbAsync(db => db.SavedPaymentMethods.CountAsync()));

        var ok = await _kit.Client.PostFormAsync(offered, action, new() { ["achAuthorized"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var method = await _kit.DbAsync(db => db.SavedPaymentMethods.SingleAsync());
        Assert.Equal((PaymentMethodKind.BankAccount, "6789"), (method.Kind, method.Last4));
        var mandate = await _kit.DbAsync(db => db.AchMandates.SingleAsync(m => m.SavedPaymentMethodId == method.Id));
        Assert.Equal(text, mandate.Text);
    }

    [Fact]
    public async Task TheDefaultIsChangedAndAMethodIsRemovedAfterItsConfirmationFromThePage()
    {
        var first = await SaveCardAsync(PayKit.Visa, 2030);
        var second = await SaveCardAsync("5555555555554444", 2032);

        var page = await MethodsPageAsync();
        var makeDefault = page.QuerySelector($"[data-method-id='{second}'] form")!.GetAttribute("action")!;
        Assert.Null(page.QuerySelector($"[data-method-id='{first}'] form")); // already the default
        await _kit.Client.PostFormAsync(page, makeDefault, new());
        Assert.Equal(second, await _kit.DbAsync(db => db.SavedPaymentMethods
            .Where(m => m.IsDefault).Select(m => m.Id).SingleAsync()));

        page = await MethodsPageAsync();
        var removeLink = page.QuerySelector($"[data-method-id='{first}'] a[href*='/remove']")!.GetAttribute("href")!;
        Assert.Null(await _kit.DbAsync(db => db.SavedPaymentMethods
            .Where(m => m.Id == first).Select(m => m.RemovedAt).SingleAsync())); // nothing until confirmed
        var confirm = await _kit.Client.GetDocumentAsync(removeLink);
        Assert.Equal("/pay/methods", confirm.QuerySelector("a.btn-outline-secondary")!.GetAttribute("href"));
        var removed = await _kit.Client.PostFormAsync(confirm,
            confirm.QuerySelector("main form")!.GetAttribute("action")!, new());

        Assert.Equal("/pay/methods", removed.Headers.Location!.ToString());
        var after = await MethodsPageAsync();
        Assert.Single(after.QuerySelectorAll("[data-testid=method]"));
        Assert.Contains("The payment method was removed.", after.QuerySelector("[data-testid=methods-message]")!
            .TextContent);
    }

    [Fact]
    public async Task AnExpiredCardIsMarkedAndCannotBeMadeTheDefault()
    {
        await SaveCardAsync(PayKit.Visa, 2030);
        var expired = await SaveCardAsync(PayKit.Visa, 2031);
        _kit.Factory.Clock.SetUtcNow(new DateTimeOffset(2032, 1, 15, 12, 0, 0, TimeSpan.Zero));
        var later = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.ProCustomer); // years later

        var page = await later.GetDocumentAsync("/pay/methods");
        var rows = page.QuerySelectorAll("[data-testid=method]");
        Assert.All(rows, r => Assert.NotNull(r.QuerySelector("[data-testid=expired]")));
        Assert.Contains("cannot be used to pay", rows[1].TextContent);
        Assert.Null(page.QuerySelector($"[data-method-id='{expired}'] form"));
    }

    [Fact]
    public async Task AnAgentViewingAsTheCustomerSeesTheMethodsWithoutAnyControl()
    {
        await SaveCardAsync(PayKit.Visa, 2030);
        var agent = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.Staff);
        await StaffSteps.StartViewAsAsync(agent, _kit.CustomerId);

        var page = await agent.GetDocumentAsync("/pay/methods");

        Assert.Single(page.QuerySelectorAll("[data-testid=method]"));
        Assert.NotNull(page.QuerySelector("[data-testid=view-only]"));
        Assert.Empty(page.QuerySelectorAll("main form, main a[href*='/remove'], main a[href^='/sandbox/']"));
    }

    [Fact]
    public async Task AnotherContactsEnteredMethodIsNotFoundAndNothingIsSaved()
    {
        await _kit.CardTokenAsync(PayKit.Visa);
        var entered = await _kit.DbAsync(db => db.EnteredPaymentTokens.Select(t => t.Id).SingleAsync());
        var alpine = await PortalClient.SignedInAsync(_kit.Factory, DemoAccounts.SecondCustomer);

        var answer = await alpine.PostAsync($"/pay/methods/entered/{entered}", new(), tokenPage: "/pay/methods");

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal(0, await _kit.DbAsync(db => db.SavedPaymentMethods.CountAsync()));
    }

    private Task<IHtmlDocument> MethodsPageAsync() => _kit.Client.GetDocumentAsync("/pay/methods");

    private static string AddLink(IHtmlDocument page, string text) =>
        page.QuerySelectorAll("main a").Single(a => a.TextContent.Trim() == text).GetAttribute("href")!;

    /// <summary>A card entered in the sandbox's form and saved from the page; returns the saved method's id.</summary>
    private async Task<long> SaveCardAsync(string number, int year)
    {
        var enter = await _kit.Client.GetDocumentAsync("/sandbox/elements/card?return_url=%2Fpay%2Fmethods");
        await _kit.Client.PostFormAsync(enter, "/sandbox/elements/card", new()
        {
            ["number"] = number, ["expMonth"] = "12", ["expYear"] = $"{year}", ["cvc"] = "123",
            ["return_url"] = "/pay/methods",
        });
        var page = await MethodsPageAsync();
        var saved = await _kit.Client.PostFormAsync(page,
            page.QuerySelector("[data-testid=new-method] form")!.GetAttribute("action")!, new());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        return await _kit.DbAsync(db => db.SavedPaymentMethods.MaxAsync(m => m.Id));
    }
}
