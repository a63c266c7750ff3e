using System.Net;
using AngleSharp.Html.Dom;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Foundation;

/// <summary>
/// Outside Development the sandbox processor and the demo data are things a deployment opts into, by name; while the
/// sandbox runs there, every page says no real money moves.
/// </summary>
public sealed class ProductionSafetyTests
{
    private const string TestModeText = "Test mode — no real money moves";

    /// <summary>A Production host with its database only: no processor, no demo settings, no switches.</summary>
    private static PortalFactory ForgetfulProduction() => new PortalFactory().InEnvironment("Production")
        .Without("Payments:AllowSandbox").Without("Database:AllowDemoData").Without("Database:SeedDemoData");

    [Fact]
    public void AProductionDeployWithoutAProcessorRefusesToStartAndNamesTheSandboxSwitch()
    {
        using var factory = ForgetfulProduction();

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Payments:AllowSandbox", ex.ToString());
    }

    [Fact]
    public void DemoSeedingOutsideDevelopmentRefusesToStartAndNamesTheDemoSwitch()
    {
        using var factory = ForgetfulProduction()
            .With("Payments:AllowSandbox", "true").With("Database:SeedDemoData", "true");

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Database:AllowDemoData", ex.ToString());
    }

    [Fact]
    public async Task AProductionDeployThatSaysNothingAboutTheDemoSeedsNoUserWithThePublishedPassword()
    {
        using var factory = ForgetfulProduction().With("Payments:AllowSandbox", "true");

        var response = await PortalClient.For(factory).SignInAsync(DemoAccounts.ProCustomer, DemoAccounts.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the form again: no such user
        Assert.Equal(0, await factory.WithDbAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task WithTheSandboxAllowedOutsideDevelopmentEveryPageSaysTestMode()
    {
        using var factory = new PortalFactory().InEnvironment("Production");
        var client = PortalClient.For(factory);

        var signIn = await client.GetDocumentAsync("/account/sign-in");
        await client.SignInAsync(DemoAccounts.ProCustomer, DemoAccounts.Password);
        var home = await client.GetDocumentFollowingAsync("/");
        var missing = PortalClient.Parse(await (await client.GetAsync("/no-such-page")).Content.ReadAsStringAsync());

        Assert.All(new[] { signIn, home, missing }, page => Assert.Equal(TestModeText, Banner(page)));
    }

    [Fact]
    public async Task InDevelopmentTheSandboxRunsWithoutSwitchOrBanner()
    {
        using var factory = new PortalFactory().InEnvironment("Development")
            .Without("Payments:AllowSandbox").Without("Database:AllowDemoData").Without("Database:SeedDemoData");
        var client = PortalClient.For(factory);

        var signIn = await client.GetDocumentAsync("/account/sign-in");
        var signedIn = await client.SignInAsync(DemoAccounts.ProCustomer, DemoAccounts.Password); // demo seeded

        Assert.Null(Banner(signIn));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Null(Banner(await client.GetDocumentFollowingAsync("/")));
    }

    [Fact]
    public async Task StripeOutsideDevelopmentShowsNoTestModeBanner()
    {
        using var factory = new PortalFactory().InEnvironment("Production").Without("Payments:AllowSandbox")
            .With("Payments:Provider", "Stripe")
            .With("Payments:Stripe:SecretKey", "sk_test_fake")
            .With("Payments:Stripe:PublishableKey", "pk_test_fake123")
            .With("Payments:Stripe:WebhookSecret", "whsec_fake");

        var signIn = await PortalClient.For(factory).GetDocumentAsync("/account/sign-in");

        Assert.Null(Banner(signIn));
    }

    private static string? Banner(IHtmlDocument page) =>
        page.QuerySelector("[data-testid=test-mode-banner]")?.TextContent.Trim();
}
