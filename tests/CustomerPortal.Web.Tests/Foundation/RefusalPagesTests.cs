using System.Net;
using AngleSharp.Html.Dom;
using CustomerPortal.Infrastructure.Seeding;
using CustomerPortal.Web.Tests.Infrastructure;

namespace CustomerPortal.Web.Tests.Foundation;

/// <summary>
/// Every refusal a browser gets is the portal's error page in its layout (issue 16, item 4): 403 (a Standard-plan
/// customer on a Pro-plan page, a customer on a staff page), 404, 429 (sign-in attempts) and 503 (the Make a Payment
/// limiter, in <c>PayPageLimiterTests</c>). The back-office API keeps answering problem details, and the Make a
/// Payment page's script keeps getting a line of text. A Standard-plan customer reads "not enabled" once per page.
/// </summary>
public sealed class RefusalPagesTests : IClassFixture<SharedPortal>
{
    private const string NotEnabled = "Online payment is not enabled for Prairie Portables.";
    private readonly PortalFactory _factory;

    public RefusalPagesTests(SharedPortal portal) => _factory = portal.Factory;

    [Theory]
    [InlineData("/pay/history")]
    [InlineData("/pay/checkout")]
    [InlineData("/pay/methods")]
    public async Task AStandardPlanCustomerOnAProPlanPageGetsTheStyledRefusalSayingWhyOnce(string path)
    {
        var farms = await PortalClient.SignedInAsync(_factory, DemoAccounts.StandardCustomer);

        var response = await farms.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var page = await InLayoutAsync(response, 403);
        Assert.Equal(NotEnabled, page.QuerySelector("[data-testid=error-message]")!.TextContent.Trim());
        Assert.Equal(1, Occurrences(page, ProPlanNotEnabled));
    }

    [Fact]
    public async Task APostAStandardPlanCustomerMayNotMakeGetsTheStyledRefusal()
    {
        var farms = await PortalClient.SignedInAsync(_factory, DemoAccounts.StandardCustomer);

        var response = await farms.PostAsync("/pay/methods/1/default", tokenPage: "/welcome");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(NotEnabled, (await InLayoutAsync(response, 403)).Body!.TextContent);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/pay")]
    [InlineData("/welcome")]
    public async Task AStandardPlanCustomerReadsNotEnabledOnceOnEachPageTheyCanOpen(string path)
    {
        var farms = await PortalClient.SignedInAsync(_factory, DemoAccounts.StandardCustomer);

        var page = await farms.GetDocumentFollowingAsync(path);

        Assert.Equal(1, Occurrences(page, ProPlanNotEnabled));
    }

    [Fact]
    public async Task ACustomerOnAStaffPageGetsTheStyledForbiddenPage()
    {
        var summit = await PortalClient.SignedInAsync(_factory, DemoAccounts.ProCustomer);

        var response = await summit.GetAsync("/staff/customers");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await InLayoutAsync(response, 403);
    }

    [Theory]
    [InlineData("/pay/payments/987654321")]
    [InlineData("/no-such-page")]
    public async Task AnUnknownOrForeignPageIsTheStyledNotFoundPage(string path)
    {
        var summit = await PortalClient.SignedInAsync(_factory, DemoAccounts.ProCustomer);

        var response = await summit.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await InLayoutAsync(response, 404);
    }

    [Fact]
    public async Task TheBackOfficeApiStillAnswersProblemDetails()
    {
        var response = await _factory.CreateClient().GetAsync("/api/v1/no-such-resource");

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TooManySignInAttemptsGetTheStyledPageSayingWhenToTryAgain()
    {
        using var factory = new PortalFactory().With("RateLimiting:SignInPermitsPerMinute", "1");
        var client = PortalClient.For(factory);
        await client.SignInAsync("nobody@example.com", "whatever-password");

        var response = await client.SignInAsync("nobody@example.com", "whatever-password");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var page = await InLayoutAsync(response, 429);
        Assert.Matches(@"^Too many sign-in attempts\. Try again in \d+ seconds\.$",
            page.QuerySelector("[data-testid=error-message]")!.TextContent.Trim());
    }

    [Fact]
    public async Task TheMakeAPaymentScriptGetsTheRefusalAsTextNotAPage()
    {
        var farms = await PortalClient.SignedInAsync(_factory, DemoAccounts.StandardCustomer);
        var page = await farms.GetDocumentAsync("/pay");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/pay/selection/clear")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = PortalClient.AntiforgeryToken(page),
            }),
        };
        request.Headers.Add("X-Fragment", "1");

        var response = await farms.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(NotEnabled, await response.Content.ReadAsStringAsync());
    }

    private const string ProPlanNotEnabled = "not enabled";

    /// <summary>
    /// The answer is the error page for <paramref name="status"/>, inside the layout (header, nav, footer).
    /// </summary>
    private static async Task<IHtmlDocument> InLayoutAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = PortalClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"{status}", page.QuerySelector("[data-testid=error-page]")?.GetAttribute("data-status"));
        Assert.NotNull(page.QuerySelector("header nav .navbar-brand"));
        Assert.NotNull(page.QuerySelector("link[href*='site.css']"));
        Assert.NotNull(page.QuerySelector("footer"));
        return page;
    }

    private static int Occurrences(IHtmlDocument page, string text)
    {
        var body = page.QuerySelector("main")!.TextContent;
        var count = 0;
        for (var i = body.IndexOf(text, StringComparison.Ordinal); i >= 0;
             i = body.IndexOf(text, i + text.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
