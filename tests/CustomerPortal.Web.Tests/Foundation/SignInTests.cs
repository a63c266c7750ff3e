using System.Net;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Foundation;

public sealed class SignInTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    [Fact]
    public async Task AnAnonymousVisitorIsSentToSignIn()
    {
        var client = PortalClient.For(portal.Factory);

        var response = await client.GetAsync("/welcome");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task TheDemoCustomerSignsInAndSeesTheirOwnNameAndCompany()
    {
        var client = PortalClient.For(portal.Factory);

        var response = await client.SignInAsync(DemoAccounts.ProCustomer, DemoAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.GetDocumentFollowingAsync("/");

        Assert.Contains("Summit Builders LLC", page.QuerySelector("[data-testid=customer-name]")!.TextContent);
        Assert.Contains("Rocky Mountain Site Services", page.Title);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWithAPlainMessage()
    {
        var client = PortalClient.For(portal.Factory);

        var response = await client.SignInAsync(DemoAccounts.SecondCustomer, "not-the-password");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = PortalClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("email or password is not right",
            page.QuerySelector("[data-testid=sign-in-error]")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/welcome")).StatusCode);
    }

    [Fact]
    public async Task AnEmptyFormGetsAMessageNextToEachField()
    {
        var client = PortalClient.For(portal.Factory);
        var page = await client.GetDocumentAsync("/account/sign-in");

        var response = await client.PostFormAsync(
            page, "/account/sign-in", new() { ["Email"] = "", ["Password"] = "" });

        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter your email address.", html);
        Assert.Contains("Enter your password.", html);
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        var client = PortalClient.For(portal.Factory);

        var response = await client.Http.PostAsync("/account/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = DemoAccounts.ProCustomer,
                ["Password"] = DemoAccounts.Password,
            }));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
            $"{response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        var client = await PortalClient.SignedInAsync(portal.Factory, DemoAccounts.SecondCustomer);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/welcome")).StatusCode);

        var response = await client.PostAsync("/account/sign-out", tokenPage: "/welcome");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/welcome")).StatusCode);
    }

    [Fact]
    public async Task AnOpenRedirectThroughReturnUrlIsIgnored()
    {
        var client = PortalClient.For(portal.Factory);
        var page = await client.GetDocumentAsync("/account/sign-in");

        var response = await client.PostFormAsync(page, "/account/sign-in", new()
        {
            ["Email"] = DemoAccounts.SecondCustomer, ["Password"] = DemoAccounts.Password,
            ["ReturnUrl"] = "https://evil.example/",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.ToString());
    }
}

public sealed class LockoutAndRateLimitTests
{
    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountEvenAgainstTheRightOne()
    {
        using var factory = new PortalFactory();
        var client = PortalClient.For(factory);

        for (var i = 0; i < 5; i++) await client.SignInAsync(DemoAccounts.SecondCustomer, "wrong-password-" + i);
        var response = await client.SignInAsync(DemoAccounts.SecondCustomer, DemoAccounts.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("paused for 15 minutes", SignInError(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/welcome")).StatusCode);
    }

    [Fact]
    public async Task ALockedAccountAndAnUnknownEmailGetTheSameAnswers()
    {
        using var factory = new PortalFactory();
        var client = PortalClient.For(factory);

        var known = new List<(HttpStatusCode, string)>();
        var unknown = new List<(HttpStatusCode, string)>();
        for (var i = 0; i < 6; i++)
        {
            var a = await client.SignInAsync(DemoAccounts.SecondCustomer, "wrong-password-" + i);
            known.Add((a.StatusCode, SignInError(await a.Content.ReadAsStringAsync())));
            var b = await client.SignInAsync("nobody.at.all@alpineevents.example", "wrong-password-" + i);
            unknown.Add((b.StatusCode, SignInError(await b.Content.ReadAsStringAsync())));
        }

        // The account is locked from the fifth failure on; nothing in the answers tells it from an unknown email.
        Assert.True(await factory.WithDbAsync(db =>
            db.Users.AnyAsync(u => u.Email == DemoAccounts.SecondCustomer && u.LockoutEnd != null)));
        Assert.Equal(known, unknown);
        Assert.All(known, k => Assert.Equal(HttpStatusCode.OK, k.Item1));
    }

    private static string SignInError(string html) =>
        PortalClient.Parse(html).QuerySelector("[data-testid=sign-in-error]")?.TextContent.Trim() ?? "(no message)";

    [Fact]
    public async Task TooManySignInAttemptsAnswer429WithRetryAfter()
    {
        using var factory = new PortalFactory().With("RateLimiting:SignInPermitsPerMinute", "3");
        var client = PortalClient.For(factory);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await client.SignInAsync("nobody@example.com", "whatever-password");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(),
            System.Globalization.CultureInfo.InvariantCulture) > 0);
    }
}

public sealed class InvitationTests
{
    [Fact]
    public async Task AnInvitedContactSetsAPasswordWithTheTokenAndSignsIn()
    {
        using var factory = new PortalFactory();
        var token = await InviteAsync(factory, "new.contact@summitbuilders.example");
        var client = PortalClient.For(factory);
        var page = await client.GetDocumentAsync("/account/set-password?email=new.contact%40summitbuilders.example"
            + $"&token={Uri.EscapeDataString(token)}");

        var response = await client.PostFormAsync(page, "/account/set-password", new()
        {
            ["Email"] = "new.contact@summitbuilders.example", ["Token"] = token, ["Password"] = "Fresh!Pass2026",
            ["ConfirmPassword"] = "Fresh!Pass2026",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect,
            (await client.SignInAsync("new.contact@summitbuilders.example", "Fresh!Pass2026")).StatusCode);
        var home = await client.GetDocumentFollowingAsync("/");
        Assert.Contains("Summit Builders LLC", home.QuerySelector("[data-testid=customer-name]")!.TextContent);
    }

    [Fact]
    public async Task AWrongTokenOrMismatchedPasswordsSetNothing()
    {
        using var factory = new PortalFactory();
        var token = await InviteAsync(factory, "other.contact@summitbuilders.example");
        var client = PortalClient.For(factory);
        var page = await client.GetDocumentAsync("/account/set-password");

        var wrongToken = await client.PostFormAsync(page, "/account/set-password", new()
        {
            ["Email"] = "other.contact@summitbuilders.example", ["Token"] = "forged", ["Password"] = "Fresh!Pass2026",
            ["ConfirmPassword"] = "Fresh!Pass2026",
        });
        var mismatch = await client.PostFormAsync(page, "/account/set-password", new()
        {
            ["Email"] = "other.contact@summitbuilders.example", ["Token"] = token, ["Password"] = "Fresh!Pass2026",
            ["ConfirmPassword"] = "Other!Pass2026",
        });

        Assert.Contains("expired or was already used", await wrongToken.Content.ReadAsStringAsync());
        Assert.Contains("The two passwords are not the same.", await mismatch.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK,
            (await client.SignInAsync("other.contact@summitbuilders.example", "Fresh!Pass2026")).StatusCode);
    }

    private static async Task<string> InviteAsync(PortalFactory factory, string email)
    {
        await using var scope = factory.Scope();
        var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<
            Microsoft.AspNetCore.Identity.UserManager<CustomerPortal.Infrastructure.Identity.PortalUser>>(
            scope.ServiceProvider);
        var summit = await factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions
            .SingleAsync(db.Customers, c => c.AccountNumber == "1001"));
        var user = new CustomerPortal.Infrastructure.Identity.PortalUser
        {
            UserName = email, Email = email, DisplayName = "New Contact", CustomerId = summit.Id,
        };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        return await users.GeneratePasswordResetTokenAsync(user);
    }
}
