using System.Net;
using CustomerPortal.Domain.Staff;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;
using CustomerPortal.Web.Tests.Staff;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Tests.Foundation;

/// <summary>
/// The client's address comes from X-Forwarded-For only when a configured proxy sends it (the sign-in limit, audit rows
/// and ACH mandates all use it); cookies are Secure outside Development whatever the scheme; HSTS behind a proxy that
/// ends TLS.
/// </summary>
public sealed class BehindALoadBalancerTests
{
    private const string Proxy = "10.0.0.5";
    private const string Client = "198.51.100.7";

    [Fact]
    public async Task ASpoofedForwardedForFromAnUntrustedAddressDoesNotEscapeTheSignInLimit()
    {
        // Loopback was trusted by default: anyone on the machine (or a proxy passing the header on) chose a partition.
        using var factory = new PortalFactory().With("RateLimiting:SignInPermitsPerMinute", "10")
            .ConnectingFrom("127.0.0.1");
        var client = PortalClient.For(factory);

        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SignInAttemptAsync(client, $"203.0.113.{i}"));
        }
        var eleventh = await SignInAttemptAsync(client, "203.0.113.99");

        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.9, " + Proxy)]
    [InlineData("ForwardedHeaders:KnownProxies:0", Proxy)]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/8")]
    public async Task BehindAConfiguredProxyEachForwardedClientHasItsOwnSignInLimit(string setting, string value)
    {
        using var factory = new PortalFactory().With("RateLimiting:SignInPermitsPerMinute", "10").With(setting, value)
            .ConnectingFrom(Proxy);
        var client = PortalClient.For(factory);

        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, await SignInAttemptAsync(client, Client));
        var sameClient = await SignInAttemptAsync(client, Client);
        var otherClient = await SignInAttemptAsync(client, "198.51.100.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, sameClient);
        Assert.Equal(HttpStatusCode.OK, otherClient);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.300")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/33")]
    public void AProxySettingThatIsNotAnAddressRefusesStartAndNamesTheSetting(string setting, string value)
    {
        using var factory = new PortalFactory().With(setting, value);

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(setting, ex.ToString());
    }

    [Theory]
    [InlineData(true, Client)]
    [InlineData(false, "127.0.0.1")]
    public async Task AnAuditRowRecordsTheAddressOnlyATrustedProxyMayReport(bool behindTrustedProxy, string recorded)
    {
        using var factory = new PortalFactory();
        if (behindTrustedProxy) factory.With("ForwardedHeaders:KnownProxies", Proxy).ConnectingFrom(Proxy);
        else factory.ConnectingFrom("127.0.0.1");
        var agent = await PortalClient.SignedInAsync(factory, DemoAccounts.Staff);
        agent.Http.DefaultRequestHeaders.Add("X-Forwarded-For", Client);

        await StaffSteps.StartViewAsAsync(agent, await factory.CustomerIdAsync("1001"));

        var row = await factory.WithDbAsync(db =>
            db.AuditEntries.SingleAsync(a => a.Action == AuditAction.ViewAsStarted));
        Assert.Equal(recorded, row.IpAddress);
    }

    [Theory]
    [InlineData(true, Client)]
    [InlineData(false, "127.0.0.1")]
    public async Task AnAchMandateRecordsTheAddressOnlyATrustedProxyMayReport(bool behindTrustedProxy, string recorded)
    {
        await using var kit = await PayKit.StartAsync(f =>
        {
            if (behindTrustedProxy) f.With("ForwardedHeaders:KnownProxies", Proxy).ConnectingFrom(Proxy);
            else f.ConnectingFrom("127.0.0.1");
        });
        kit.Client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        await kit.SelectAsync((await kit.OpenInvoicesAsync(1)).Select(i => i.Id));

        await kit.PayAsync("new-" + await kit.BankTokenAsync(PayKit.AchOk), save: true, achAuthorized: true);

        var mandate = await kit.DbAsync(db =>
            db.AchMandates.AsNoTracking().SingleAsync(m => m.CustomerId == kit.CustomerId));
        Assert.Equal(recorded, mandate.IpAddress);
    }

    [Fact]
    public async Task OutsideDevelopmentEveryCookieIsSecureEvenOverPlainHttp()
    {
        using var factory = new PortalFactory().InEnvironment("Production");
        var browser = new CookieJarBrowser(factory, "http://portal.example");

        var signIn = await browser.GetPageAsync("/account/sign-in");
        await browser.PostAsync("/account/sign-in", signIn,
            new() { ["Email"] = DemoAccounts.Staff, ["Password"] = DemoAccounts.Password });
        var search = await browser.GetPageAsync("/staff/customers");
        var summit = await factory.CustomerIdAsync("1001");
        var viewAs = await browser.PostAsync($"/staff/customers/{summit}/view-as", search, new());

        Assert.Equal(HttpStatusCode.Redirect, viewAs.StatusCode);
        Assert.Subset(browser.SetCookies.Select(c => c[..c.IndexOf('=', StringComparison.Ordinal)]).ToHashSet(),
            new HashSet<string> { "cp.af", "cp.auth", "cp.viewas" });
        Assert.All(browser.SetCookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task InProductionBehindATlsEndingProxyPagesCarryHsts()
    {
        using var factory = new PortalFactory().InEnvironment("Production").With("ForwardedHeaders:KnownProxies", Proxy)
            .ConnectingFrom(Proxy);
        var http = factory.CreateClient(
            new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://portal.example") });
        var request = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    private static async Task<HttpStatusCode> SignInAttemptAsync(PortalClient client, string forwardedFor)
    {
        var page = await client.GetDocumentAsync("/account/sign-in");
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = "nobody@example.com", ["Password"] = "whatever-password",
                ["__RequestVerificationToken"] = PortalClient.AntiforgeryToken(page),
            }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await client.Http.SendAsync(request)).StatusCode;
    }
}
